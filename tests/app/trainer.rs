//! The trainer's handle, apart from the window: dropping the thread's never hangs, and the
//! cooperative trainer (the browser's, driven by the UI's frames) trains the same numbers.
#![allow(clippy::unwrap_used)] // a panic in a test is a failing test, as intended

use std::sync::mpsc::sync_channel;
use std::time::Duration;

use layerwright::examples::example;
use layerwright::network::training::worker::{EpochPoint, FromTrainer, ToTrainer, TrainerHandle};
use layerwright_nn::compile::CompiledGraph;
use layerwright_nn::compile::{compile, load_dataset};
use layerwright_nn::graph::io::parse_document;

fn compiled_example(name: &str) -> CompiledGraph {
    let text = example(name).unwrap().text;
    let document = parse_document(text, name).unwrap();
    let dataset = load_dataset(&document.dataset, None).unwrap();
    compile(&document, &dataset).unwrap()
}

/// Loads `name` into `handle` and trains it as fast as it goes to epoch `until`; returns
/// every epoch's point, draining (and so, cooperative, driving) the trainer until it stops.
fn train_to(handle: &mut TrainerHandle, name: &str, until: usize) -> Vec<EpochPoint> {
    let compiled = compiled_example(name);
    let initial = compiled.initial.clone();
    assert!(handle.send(ToTrainer::Load {
        run_id: 7,
        compiled: Box::new(compiled),
        initial,
    }));
    assert!(handle.send(ToTrainer::SetSpeed(None)));
    assert!(handle.send(ToTrainer::Play { until: Some(until) }));
    let mut points = Vec::new();
    for _ in 0..100_000 {
        for message in handle.drain() {
            match message {
                FromTrainer::Progress(progress) => {
                    assert_eq!(progress.run_id, 7);
                    points.extend(progress.points.iter().copied());
                    if progress.epochs == until && !progress.playing && progress.acknowledged == 3 {
                        return points;
                    }
                }
                FromTrainer::Stopped { message, .. } => panic!("the run stopped: {message}"),
            }
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    panic!("the trainer did not reach epoch {until}");
}

#[test]
fn the_cooperative_trainer_trains_the_same_epochs_as_the_thread() {
    let mut thread = TrainerHandle::on_thread(|| {}).unwrap();
    let mut cooperative = TrainerHandle::cooperative(|| {});
    let on_thread = train_to(&mut thread, "xor.json", 40);
    let in_frames = train_to(&mut cooperative, "xor.json", 40);
    // Epoch 0 (the starting weights) and every trained epoch, once each, in order.
    let epochs: Vec<usize> = in_frames.iter().map(|p| p.epoch).collect();
    assert_eq!(epochs, (0..=40).collect::<Vec<_>>());
    assert_eq!(on_thread.len(), in_frames.len());
    for (a, b) in on_thread.iter().zip(&in_frames) {
        assert_eq!(
            a.train_loss.to_bits(),
            b.train_loss.to_bits(),
            "epoch {}",
            a.epoch
        );
    }
    assert!(in_frames[40].train_loss < in_frames[0].train_loss);
}

#[test]
fn the_cooperative_trainer_works_only_when_drained_and_keeps_to_the_speed_limit() {
    let woken = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let count = std::sync::Arc::clone(&woken);
    let mut handle = TrainerHandle::cooperative(move || {
        count.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    });
    let compiled = compiled_example("xor.json");
    let initial = compiled.initial.clone();
    assert!(handle.send(ToTrainer::Load {
        run_id: 1,
        compiled: Box::new(compiled),
        initial,
    }));
    assert!(handle.send(ToTrainer::SetSpeed(Some(10.0))));
    assert!(handle.send(ToTrainer::Play { until: None }));
    // Sending asks for a frame; nothing is carried out before the UI drains.
    assert_eq!(woken.load(std::sync::atomic::Ordering::Relaxed), 3);
    std::thread::sleep(Duration::from_millis(20));
    let news = handle.drain();
    let FromTrainer::Progress(progress) = news.last().unwrap() else {
        panic!("expected a snapshot, got {news:?}");
    };
    // At 10 epochs a second the first epoch goes at once and the next only 100 ms later:
    // one turn of at most 40 ms trains exactly one.
    assert_eq!(progress.epochs, 1);
    assert!(progress.playing);
    assert_eq!(progress.acknowledged, 3);
    // Still training: it asked for the next frame.
    assert!(woken.load(std::sync::atomic::Ordering::Relaxed) > 3);
    // Turns 300 ms apart (a page drawing slowly) still see the chosen speed: at 60 epochs a
    // second a turn trains the epochs owed since the last, up to a quarter second's worth.
    assert!(handle.send(ToTrainer::SetSpeed(Some(60.0))));
    let epochs_after = |news: Vec<FromTrainer>| {
        news.iter()
            .rev()
            .find_map(|message| match message {
                FromTrainer::Progress(progress) => Some(progress.epochs),
                FromTrainer::Stopped { .. } => None,
            })
            .unwrap()
    };
    let before = epochs_after(handle.drain());
    std::thread::sleep(Duration::from_millis(300));
    let after = epochs_after(handle.drain());
    assert!(
        (10..=20).contains(&(after - before)),
        "{} epochs in a turn 300 ms after the last",
        after - before
    );
    assert!(handle.send(ToTrainer::Pause));
    let paused = handle.drain();
    let FromTrainer::Progress(progress) = paused.last().unwrap() else {
        panic!("expected a snapshot, got {paused:?}");
    };
    assert!(!progress.playing);
    // Paused with nothing to do, a drain does nothing.
    assert!(handle.drain().is_empty());
}

#[test]
fn trainer_handle_drop_does_not_hang_when_channel_full() {
    let compiled = compiled_example("xor.json");
    let initial = compiled.initial.clone();
    let mut handle = TrainerHandle::on_thread(|| {}).unwrap();
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
