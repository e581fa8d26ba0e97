import { Disposer, el } from "../dom";
import { getLang, isLang, LANGS, onLangChange, setLang, t, tx } from "../i18n";
import { viewOf, type View } from "./view";

let seq = 0;

/** Labelled language <select> (data-testid="language-select"). */
export function createLanguageSelect(): View {
  const disposer = new Disposer();
  const id = `language-select-${++seq}`;
  const select = el(
    "select",
    {
      id, "data-testid": "language-select",
      onchange: () => {
        if (isLang(select.value)) setLang(select.value);
      },
    },
    ...LANGS.map((lang) => el("option", { value: lang, "data-i18n": `lang.${lang}` }, t(`lang.${lang}`))),
  );
  select.value = getLang();
  disposer.add(onLangChange(() => {
    select.value = getLang();
  }));
  return viewOf(el("div", { class: "field language" }, tx("label", "lang.label", { for: id }), select), disposer);
}
