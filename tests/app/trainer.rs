//! The trainer thread's handle, apart from the window: dropping it never hangs.
#![allow(clippy::unwrap_used)] // a panic in a test is a failing test, as intended

use std::sync::mpsc::sync_channel;
use std::time::Duration;

use layerwright::examples::example;
use layerwright::network::training::worker::{ToTrainer, TrainerHandle};
use layerwright_nn::compile::{compile, load_dataset};
use layerwright_nn::graph::io::parse_document;

#[test]
fn trainer_handle_drop_does_not_hang_when_channel_full() {
    let text = example("xor.json").unwrap().text;
    let document = parse_document(text, "xor.json").unwrap();
    let dataset = load_dataset(&document.dataset, None).unwrap();
    let compiled = compile(&document, &dataset).unwrap();
    let initial = compiled.initial.clone();
    let mut handle = TrainerHandle::spawn(|| {}).unwrap();
    assert!(handle.send(ToTrainer::Load {
        run_id: 1,
        compiled: Box::new(compiled),
        initial,
    }));
    // Each step, taken on its own, sends a snapshot; nobody drains them, so after 16 the
    // news channel is full and the paused trainer waits to send the next one.
    for _ in 0..40 {
        assert!(handle.send(ToTrainer::StepBatch));
        std::thread::sleep(Duration::from_millis(10));
    }
    std::thread::sleep(Duration::from_millis(500));
    let (done, dropped) = sync_channel(1);
    std::thread::spawn(move || {
        drop(handle);
        let _ = done.send(());
    });
    assert!(
        dropped.recv_timeout(Duration::from_secs(10)).is_ok(),
        "dropping the handle of a trainer blocked on a full channel did not return within 10 s"
    );
}
