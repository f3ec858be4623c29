//! Behaviour tests live in `tests/behaviour/`; this crate has no code of its own.
