//! Arbitrary bytes as `triage`'s input: a log or traceback (the log's framing taken away, then
//! every exception read and classified, every frame's path mapped), and a JUnit report. Nothing
//! panics; every exception has a type and a line of the input it began on.

#![no_main]

use libfuzzer_sys::fuzz_target;
use ssot_guard::triage::errors::{classify, in_output};
use ssot_guard::triage::paths::ProjectFiles;
use ssot_guard::triage::{junit, log, traceback};

fuzz_target!(|bytes: &[u8]| {
    let text = String::from_utf8_lossy(bytes);
    let files = ProjectFiles::new(
        [
            "netra_backend/app/services/report.py".to_owned(),
            "tests/test_report.py".to_owned(),
        ],
        &[("/app".to_owned(), ".".to_owned())],
    );
    let unwrapped = log::unwrap(&text);
    let lines = unwrapped.lines().count();
    for raised in traceback::parse(&unwrapped) {
        assert!(!raised.type_name.is_empty(), "an exception has a type");
        assert!(raised.input_line >= 1 && raised.input_line <= lines);
        let _ = classify(&raised.type_name, &raised.message);
        for frame in &raised.frames {
            let _ = files.map(&frame.path);
        }
    }
    let _ = in_output(&text);
    if junit::looks_like_xml(&text) {
        if let Ok(cases) = junit::parse(&text) {
            for case in cases {
                let _ = case.file_candidates();
                assert!(case.raised.iter().all(|r| !r.type_name.is_empty()));
            }
        }
    }
});
