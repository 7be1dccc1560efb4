//! Process-wide state: configuration, counters, the signature list and the
//! audit channel.  Everything in here outlives any single request.

use std::ffi::CStr;
use std::fs::{self, OpenOptions};
use std::io::Write;
use std::os::raw::c_char;
use std::ptr;
use std::sync::atomic::{AtomicPtr, AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Mutex, OnceLock};
use std::thread;

use crate::ffi::*;

pub struct Config {
    pub report_path: String,
    /// NUL-terminated request header name that varies the cache key.
    pub cache_key_header: Vec<u8>,
    pub max_body_sample: u32,
    pub scan_bodies: bool,
    pub audit: bool,
    pub audit_file: String,
    pub signature_dir: String,
}

impl Config {
    fn from_env() -> Config {
        let var = |k: &str, d: &str| std::env::var(k).unwrap_or_else(|_| d.to_owned());
        let mut header = var("REQGUARD_CACHE_HEADER", "Accept-Language").into_bytes();
        header.push(0);
        Config {
            report_path: var("REQGUARD_REPORT_PATH", "/_reqguard/report"),
            cache_key_header: header,
            max_body_sample: var("REQGUARD_MAX_SAMPLE", "65536").parse().unwrap_or(65536),
            scan_bodies: var("REQGUARD_SCAN", "1") == "1",
            audit: var("REQGUARD_AUDIT", "0") == "1",
            audit_file: var("REQGUARD_AUDIT_FILE", r"C:\inetpub\logs\reqguard\audit.log"),
            signature_dir: var("REQGUARD_SIGNATURES", r"C:\ProgramData\reqguard"),
        }
    }
}

#[derive(Default)]
pub struct Stats {
    pub requests: AtomicU64,
    pub reports: AtomicU64,
    pub rejected: AtomicU64,
    pub audited: AtomicU64,
}

pub static CONFIG: OnceLock<Config> = OnceLock::new();
pub static STATS: AtomicPtr<Stats> = AtomicPtr::new(ptr::null_mut());
pub static FIRST_CONTEXT: OnceLock<*mut IHttpContext> = OnceLock::new();
pub static LAST_SCRATCH: AtomicPtr<u8> = AtomicPtr::new(ptr::null_mut());
static AUDIT_TX: OnceLock<Mutex<Sender<*mut IHttpRequest>>> = OnceLock::new();
static mut SIGNATURES: *mut Vec<Vec<u8>> = ptr::null_mut();
/// Most recent cache key, shown on the diagnostics page.
static mut LAST_KEY: *mut u8 = ptr::null_mut();

pub fn config() -> &'static Config {
    CONFIG.get_or_init(Config::from_env)
}

pub fn stats() -> &'static Stats {
    let p = STATS.load(Ordering::Acquire);
    assert!(!p.is_null(), "state::init has not run");
    unsafe { &*p }
}

pub fn signatures() -> &'static [Vec<u8>] {
    unsafe {
        let p = SIGNATURES;
        if p.is_null() {
            &[]
        } else {
            &*p
        }
    }
}

pub fn trace(msg: &str) {
    eprintln!("[reqguard] {msg}");
}

fn load_signatures(dir: &str) -> Vec<Vec<u8>> {
    let path = format!(r"{dir}\signatures.txt");
    match fs::read_to_string(&path) {
        Ok(text) => text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(|l| l.as_bytes().to_vec())
            .collect(),
        Err(e) => {
            trace(&format!("no signatures at {path}: {e}"));
            Vec::new()
        }
    }
}

/// Called once from RegisterModule.
pub fn init() {
    let cfg = config();
    let stats = Box::into_raw(Box::new(Stats::default()));
    STATS.store(stats, Ordering::Release);
    unsafe {
        SIGNATURES = Box::into_raw(Box::new(load_signatures(&cfg.signature_dir)));
    }
    if cfg.audit {
        let (tx, rx) = mpsc::channel();
        if AUDIT_TX.set(Mutex::new(tx)).is_ok() {
            let path = cfg.audit_file.clone();
            thread::spawn(move || audit_loop(rx, path));
        }
    }
}

pub fn audit_sender() -> Option<Sender<*mut IHttpRequest>> {
    AUDIT_TX.get().map(|tx| tx.lock().unwrap().clone())
}

fn audit_loop(rx: Receiver<*mut IHttpRequest>, path: String) {
    let mut out = match OpenOptions::new().create(true).append(true).open(&path) {
        Ok(f) => f,
        Err(e) => {
            trace(&format!("audit log {path}: {e}"));
            return;
        }
    };
    for req in rx {
        let (verb, url) = unsafe {
            let m = ((*(*req).vtbl).GetHttpMethod)(req);
            let verb = if m.is_null() { String::new() } else { CStr::from_ptr(m).to_string_lossy().into_owned() };
            let raw = ((*(*req).vtbl).GetRawHttpRequest)(req);
            let url = if raw.is_null() || (*raw).pRawUrl.is_null() {
                String::new()
            } else {
                CStr::from_ptr((*raw).pRawUrl).to_string_lossy().into_owned()
            };
            (verb, url)
        };
        let _ = writeln!(out, "{verb} {url}");
        stats().audited.fetch_add(1, Ordering::Relaxed);
    }
}

pub fn remember_cache_key(key: *mut u8) {
    unsafe {
        LAST_KEY = key;
        //~^ request-scope-escape-static
    }
}

pub fn last_cache_key() -> Option<String> {
    unsafe {
        let key = LAST_KEY;
        if key.is_null() {
            return None;
        }
        Some(CStr::from_ptr(key as *const c_char).to_string_lossy().into_owned())
    }
}

/// `n` bytes of scratch space that IIS frees when the request ends.
pub unsafe fn scratch(ctx: *mut IHttpContext, n: u32) -> *mut u8 {
    ((*(*ctx).vtbl).AllocateRequestMemory)(ctx, n) as *mut u8
}
