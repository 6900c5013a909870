//! Engine invariants, checked as property tests over generated valid scenarios and random seeds.

mod support;

use cydex::scenario::validate::{Severity, validate};
use proptest::prelude::*;
use support::r#gen;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// The generator's own test: every generated scenario validates without errors.
    #[test]
    fn generator_yields_valid_scenarios(s in r#gen::scenario()) {
        let errors: Vec<_> = validate(&s).into_iter().filter(|f| f.severity == Severity::Error).collect();
        prop_assert!(errors.is_empty(), "{:#?}", errors.iter().map(|f| (f.code, &f.message)).collect::<Vec<_>>());
    }
}
