//! After the first step, training makes no heap allocation at all: buffers are reused and
//! small products run in place.
#![allow(clippy::unwrap_used)] // a panic in a test helper is a failing test, as intended

use layerwright_nn::workloads::Workload;
use layerwright_nn::{Precision, Session};

#[test]
fn training_steps_on_a_2_8_8_1_network_allocate_nothing_after_warm_up() {
    let workload = Workload::from_json(include_str!("../benches/data/workload_A.json")).unwrap();
    let mut session = Session::new(
        workload.architecture.clone(),
        &workload.initial,
        &workload.samples,
        workload.config(),
        Precision::F32,
    )
    .unwrap();
    // The counter does count: one vector is one allocation.
    let control = allocation_counter::measure(|| {
        std::hint::black_box(vec![0_u8; 16]);
    });
    assert_eq!(control.count_total, 1);
    // Warm-up: the first epoch sizes every buffer, including the last, shorter batch's.
    session.run_epoch().unwrap();
    let counts = allocation_counter::measure(|| {
        for _ in 0..100 {
            session.step_batch().unwrap();
        }
    });
    assert_eq!(counts.count_total, 0, "{counts:?}");
    let counts = allocation_counter::measure(|| {
        session.run_epoch().unwrap();
    });
    assert_eq!(counts.count_total, 0, "a whole epoch: {counts:?}");
}
