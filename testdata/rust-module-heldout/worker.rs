//! Work that runs off the IIS pipeline threads: body scanning, the slow
//! request log and the async report endpoint.

use std::ffi::c_void;
use std::fs::OpenOptions;
use std::io::Write;
use std::ptr;
use std::slice;
use std::sync::atomic::Ordering;

use crate::ffi::*;
use crate::state;

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || needle.len() > hay.len() {
        return None;
    }
    hay.windows(needle.len()).position(|w| w.eq_ignore_ascii_case(needle))
}

pub fn scan_body(body: *mut c_void, len: usize) {
    let bytes = unsafe { slice::from_raw_parts(body as *const u8, len) };
    if let Some(sig) = state::signatures().iter().find(|s| find(bytes, s).is_some()) {
        state::stats().rejected.fetch_add(1, Ordering::Relaxed);
        state::trace(&format!("body matched signature {:?}", String::from_utf8_lossy(sig)));
    }
}

pub fn log_slow(method: String, path: String, elapsed_ms: u128) {
    let file = OpenOptions::new().create(true).append(true).open(r"C:\inetpub\logs\reqguard\slow.log");
    match file {
        Ok(mut f) => {
            let _ = writeln!(f, "{elapsed_ms}ms {method} {path}");
        }
        Err(e) => state::trace(&format!("slow log: {e}")),
    }
}

fn render_report(query: &str) -> Result<String, HRESULT> {
    if query.len() > 1024 {
        return Err(E_INVALIDARG);
    }
    let s = state::stats();
    let mut out = format!(
        "{{\"requests\":{},\"reports\":{},\"rejected\":{},\"audited\":{},\"signatures\":{}",
        s.requests.load(Ordering::Relaxed),
        s.reports.load(Ordering::Relaxed),
        s.rejected.load(Ordering::Relaxed),
        s.audited.load(Ordering::Relaxed),
        state::signatures().len(),
    );
    if query.split('&').any(|kv| kv == "verbose=1") {
        if let Some(key) = state::last_cache_key() {
            out.push_str(&format!(",\"last_cache_key\":{key:?}"));
        }
    }
    out.push('}');
    Ok(out)
}

unsafe fn fail_report(ctx: *mut IHttpContext, hr: HRESULT) {
    let resp: *mut IHttpResponse = ((*(*ctx).vtbl).GetResponse)(ctx);
    ((*(*resp).vtbl).SetStatus)(resp, 500, b"Report Failed\0".as_ptr() as PCSTR, 0, hr, ptr::null_mut(), TRUE);
    ((*(*ctx).vtbl).PostCompletion)(ctx, 0);
}

/// Runs on its own thread while the request sits in RQ_NOTIFICATION_PENDING.
pub fn build_report(ctx: *mut IHttpContext, query: String) {
    if query == "ping" {
        // Health probe: the default 200 is all the caller wants.
        unsafe { ((*(*ctx).vtbl).PostCompletion)(ctx, 0) };
        return;
    }
    let body = match render_report(&query) {
        Ok(body) => body,
        Err(hr) => {
            unsafe { fail_report(ctx, hr) };
            return;
        }
    };
    unsafe {
        let resp: *mut IHttpResponse = ((*(*ctx).vtbl).GetResponse)(ctx);
        ((*(*resp).vtbl).Clear)(resp);
        ((*(*resp).vtbl).SetStatus)(resp, 200, b"OK\0".as_ptr() as PCSTR, 0, S_OK, ptr::null_mut(), FALSE);
        let ct = b"application/json";
        ((*(*resp).vtbl).SetHeader)(resp, b"Content-Type\0".as_ptr() as PCSTR, ct.as_ptr() as PCSTR, ct.len() as USHORT, TRUE);
        let mut chunk = HTTP_DATA_CHUNK::from_memory(body.as_ptr() as *mut c_void, body.len() as u32);
        let mut sent: DWORD = 0;
        let hr = ((*(*resp).vtbl).WriteEntityChunks)(resp, &mut chunk, 1, FALSE, FALSE, &mut sent, ptr::null_mut());
        let hr_post = ((*(*ctx).vtbl).PostCompletion)(ctx, sent);
        // Note in the trace whether the client got headers before we let go.
        let headers_sent = ((*(*ctx).vtbl).GetResponseHeadersSent)(ctx);
        //~^ use-after-completion
        if hr < 0 || hr_post < 0 || headers_sent == FALSE {
            state::trace(&format!("report write hr={hr:#x} post={hr_post:#x}"));
        }
    }
}
