//! How a command or an event is declared: once, with its Rust types.
//!
//! `ipc_commands!` takes the command functions themselves and produces, from
//! that one list, the functions (as `#[tauri::command]`s), the Tauri handler,
//! the command names and each command's TypeScript signature, computed by
//! ts-rs from the very argument and result types the functions use. So a
//! changed signature changes `ui/src/bindings.ts`, and the staleness test in
//! `contract.rs` says so. `window_events!` does the same for events: one enum
//! variant per event, with its name and payload type.

use std::any::TypeId;
use std::collections::{BTreeMap, HashSet};

use ts_rs::{Config, TypeVisitor, TS};

/// A command as the page calls it: `invoke(name, { arg: ..., ... })`.
pub struct CommandSignature {
    pub name: &'static str,
    /// Argument names as the page writes them, with their TypeScript type.
    pub args: Vec<(String, String)>,
    pub result: String,
}

impl CommandSignature {
    pub fn new(name: &'static str, args: Vec<(&str, String)>, result: String) -> Self {
        Self {
            name,
            args: args
                .into_iter()
                .map(|(arg, ty)| (camel_case(arg), ty))
                .collect(),
            result,
        }
    }

    /// The argument object in TypeScript.
    pub fn args_object(&self) -> String {
        if self.args.is_empty() {
            return "Record<string, never>".to_owned();
        }
        let fields: Vec<String> = self
            .args
            .iter()
            .map(|(name, ty)| format!("{name}: {ty}"))
            .collect();
        format!("{{ {} }}", fields.join(", "))
    }
}

/// Tauri reads a command's arguments under their camelCase names.
fn camel_case(snake: &str) -> String {
    let mut out = String::with_capacity(snake.len());
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// Every type a signature mentions, and every type those mention, declared
/// once: the list of declarations in `bindings.ts` follows from the
/// commands and events instead of being kept by hand.
pub struct Declarations<'a> {
    cfg: &'a Config,
    seen: HashSet<TypeId>,
    /// By name: ts-rs visits a type's fields in no fixed order.
    declared: BTreeMap<String, String>,
}

impl<'a> Declarations<'a> {
    pub fn new(cfg: &'a Config) -> Self {
        Self {
            cfg,
            seen: HashSet::new(),
            declared: BTreeMap::new(),
        }
    }

    /// The declarations, in alphabetical order.
    pub fn into_typescript(self) -> Vec<String> {
        self.declared.into_values().collect()
    }
}

impl TypeVisitor for Declarations<'_> {
    fn visit<T: TS + 'static + ?Sized>(&mut self) {
        if !self.seen.insert(TypeId::of::<T>()) {
            return;
        }
        T::visit_dependencies(self);
        T::visit_generics(self);
        // Only derived types have a declaration; `Vec`, `Option`, numbers
        // and strings are written inline.
        if T::output_path().is_some() {
            let decl = format!("export {}\n", T::decl(self.cfg));
            if let Some(other) = self.declared.insert(T::name(self.cfg), decl) {
                panic!(
                    "two types have the TypeScript name {}:\n{other}",
                    T::name(self.cfg)
                );
            }
        }
    }
}

/// Declares the IPC commands. Each entry is a function:
///
/// ```ignore
/// /// Documentation.
/// async fn name[app: State<'_, AppState>](request: LoginRequest) -> Ok { body }
/// ```
///
/// Square brackets hold what Tauri supplies itself (managed state, the app
/// handle); parentheses hold the arguments the page sends. The body returns
/// `IpcResult<Ok>`. In the module where it is used, it defines the
/// functions, `handler()` (for `invoke_handler`), and `signatures()` /
/// `visit_types()` for the contract.
macro_rules! ipc_commands {
    (@munch [$($done:tt)*]) => {
        $crate::ipc::declare::ipc_commands!(@emit $($done)*);
    };
    (@munch [$($done:tt)*]
        $(#[$meta:meta])*
        async fn $name:ident [$($inject:ident: $inject_ty:ty),* $(,)?]
            ($($arg:ident: $arg_ty:ty),* $(,)?) -> $ok:ty $body:block
        $($rest:tt)*
    ) => {
        $(#[$meta])*
        #[tauri::command]
        pub async fn $name(
            $($inject: $inject_ty,)* $($arg: $arg_ty),*
        ) -> $crate::ipc::error::IpcResult<$ok> $body

        $crate::ipc::declare::ipc_commands!(
            @munch [$($done)* [$name ($($arg: $arg_ty),*) $ok]] $($rest)*
        );
    };
    (@munch [$($done:tt)*]
        $(#[$meta:meta])*
        fn $name:ident [$($inject:ident: $inject_ty:ty),* $(,)?]
            ($($arg:ident: $arg_ty:ty),* $(,)?) -> $ok:ty $body:block
        $($rest:tt)*
    ) => {
        $(#[$meta])*
        #[tauri::command]
        pub fn $name(
            $($inject: $inject_ty,)* $($arg: $arg_ty),*
        ) -> $crate::ipc::error::IpcResult<$ok> $body

        $crate::ipc::declare::ipc_commands!(
            @munch [$($done)* [$name ($($arg: $arg_ty),*) $ok]] $($rest)*
        );
    };
    (@emit $([$name:ident ($($arg:ident: $arg_ty:ty),*) $ok:ty])*) => {
        /// Every command, for `tauri::Builder::invoke_handler`.
        pub fn handler() -> impl Fn(tauri::ipc::Invoke) -> bool + Send + Sync + 'static {
            tauri::generate_handler![$($name),*]
        }

        /// Every command's TypeScript signature, from its Rust types.
        pub fn signatures(cfg: &ts_rs::Config) -> Vec<$crate::ipc::declare::CommandSignature> {
            vec![$(
                $crate::ipc::declare::CommandSignature::new(
                    stringify!($name),
                    vec![$((stringify!($arg), <$arg_ty as ts_rs::TS>::name(cfg))),*],
                    <$ok as ts_rs::TS>::name(cfg),
                )
            ),*]
        }

        /// Visits every argument and result type (to declare them).
        pub fn visit_types(v: &mut impl ts_rs::TypeVisitor) {
            $($(v.visit::<$arg_ty>();)* v.visit::<$ok>();)*
        }
    };
    ($($entries:tt)*) => {
        $crate::ipc::declare::ipc_commands!(@munch [] $($entries)*);
    };
}

/// Declares the window events: `Variant("event-name", Payload),` each. In
/// the module where it is used, it defines `enum WindowEvent` (what the
/// core hands the window), `WindowEvent::emit`, and `signatures()` /
/// `visit_types()` for the contract.
macro_rules! window_events {
    ($($(#[$meta:meta])* $variant:ident($name:literal, $payload:ty)),* $(,)?) => {
        /// An event for the web view: its name and payload type are declared
        /// together, in this one place.
        pub enum WindowEvent {
            $($(#[$meta])* $variant($payload)),*
        }

        impl WindowEvent {
            pub fn emit(self, handle: &tauri::AppHandle) -> tauri::Result<()> {
                use tauri::Emitter;
                match self {
                    $(Self::$variant(payload) => handle.emit($name, payload)),*
                }
            }
        }

        /// (event name, TypeScript payload) of every event.
        pub fn signatures(cfg: &ts_rs::Config) -> Vec<(&'static str, String)> {
            vec![$(($name, <$payload as ts_rs::TS>::name(cfg))),*]
        }

        /// Visits every payload type (to declare them).
        pub fn visit_types(v: &mut impl ts_rs::TypeVisitor) {
            $(v.visit::<$payload>();)*
        }
    };
}

pub(crate) use ipc_commands;
pub(crate) use window_events;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arguments_are_named_as_the_page_sends_them() {
        let sig = CommandSignature::new(
            "logout",
            vec![("forget_password", "boolean".into())],
            "null".into(),
        );
        assert_eq!(sig.args_object(), "{ forgetPassword: boolean }");
        let none = CommandSignature::new("ui_ready", vec![], "null".into());
        assert_eq!(none.args_object(), "Record<string, never>");
    }
}
