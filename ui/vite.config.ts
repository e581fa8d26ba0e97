import solid from "vite-plugin-solid";
import { defineConfig } from "vitest/config";

export default defineConfig({
  base: "./",
  // The message list's rows are Solid components: JSX compiled ahead of time
  // into DOM calls and static <template>s, so nothing is evaluated from
  // strings at run time (the CSP has no 'unsafe-eval'). Listeners are bound
  // with `on:`, on the element itself, so no document-wide delegation.
  // `dev: false`: the tests run Solid's production build, the one that
  // ships, not its slower development build with extra checks.
  plugins: [solid({ dev: false })],
  clearScreen: false,
  server: { port: 1420, strictPort: true },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // WebKitGTK (Linux), WKWebView (macOS) and WebView2 (Windows) all handle this.
    target: ["es2021", "safari15", "chrome105"],
  },
  test: {
    environment: "jsdom",
    include: ["tests/**/*.test.ts"],
  },
});
