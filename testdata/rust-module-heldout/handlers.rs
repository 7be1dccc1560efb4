//! The per-request module.  IIS asks the factory in lib.rs for a fresh
//! `RequestModule` on every request and disposes it when the request ends, so
//! anything held in `self` lives exactly as long as the request does.

use std::cell::{Cell, RefCell};
use std::ffi::CStr;
use std::os::raw::c_char;
use std::ptr;
use std::slice;
use std::sync::atomic::Ordering;
use std::sync::Mutex;
use std::thread;
use std::time::Instant;

use crate::ffi::*;
use crate::state::{self, FIRST_CONTEXT, LAST_SCRATCH};
use crate::worker;
use crate::wrap::{cs, HttpContext};

/// Hosts seen recently; rendered on the diagnostics page.
static RECENT_HOSTS: Mutex<Vec<*const c_char>> = Mutex::new(Vec::new());
/// User agents seen recently.
static RECENT_AGENTS: Mutex<Vec<String>> = Mutex::new(Vec::new());
/// Leading bytes of recent request bodies, for the debug view.
static BODY_SAMPLES: Mutex<Vec<Vec<u8>>> = Mutex::new(Vec::new());
/// Session buffer of the last request that released its state.
static mut LAST_BUFFER: *mut u8 = ptr::null_mut();

thread_local! {
    static LAST_RESPONSE: Cell<*mut IHttpResponse> = Cell::new(ptr::null_mut());
    static LAST_PATH: RefCell<String> = RefCell::new(String::new());
    static NOTIFICATIONS: Cell<u64> = Cell::new(0);
}

const PEEK_BYTES: u32 = 2048;

mod names {
    pub const HOST: &[u8] = b"Host\0";
    pub const USER_AGENT: &[u8] = b"User-Agent\0";
    pub const AUTHORIZATION: &[u8] = b"Authorization\0";
    pub const COOKIE: &[u8] = b"Cookie\0";
    pub const X_SESSION: &[u8] = b"X-Session\0";
    pub const X_CACHE_KEY: &[u8] = b"X-Cache-Key\0";
    pub const X_CACHE_VARIANT: &[u8] = b"X-Cache-Variant\0";
    pub const ACCEPT_ENCODING: &[u8] = b"HTTP_ACCEPT_ENCODING\0";
}

fn session_from(text: &str) -> Option<String> {
    text.split(|c| c == ';' || c == '&')
        .map(str::trim)
        .find_map(|kv| kv.strip_prefix("sid="))
        .filter(|v| !v.is_empty() && v.len() <= 128)
        .map(String::from)
}

fn token_ok(token: &str) -> bool {
    token.len() >= 16 && token.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~+/=".contains(&b))
}

pub struct RequestModule {
    ctx: *mut IHttpContext,
    auth_flag: *mut u8,
    cache_key: *mut u8,
    session: Option<String>,
    started: Option<Instant>,
    report_pending: bool,
}

impl RequestModule {
    pub fn new() -> Self {
        RequestModule {
            ctx: ptr::null_mut(),
            auth_flag: ptr::null_mut(),
            cache_key: ptr::null_mut(),
            session: None,
            started: None,
            report_pending: false,
        }
    }

    pub fn on_begin_request(&mut self, ctx: *mut IHttpContext, _provider: *mut IHttpEventProvider) -> RequestNotificationStatus {
        self.ctx = ctx;
        self.started = Some(Instant::now());
        state::stats().requests.fetch_add(1, Ordering::Relaxed);
        NOTIFICATIONS.set(NOTIFICATIONS.get() + 1);
        unsafe {
            let req: *mut IHttpRequest = ((*(*ctx).vtbl).GetRequest)(ctx);
            let mut host_len: USHORT = 0;
            let host = ((*(*req).vtbl).GetHeader)(req, cs(names::HOST), &mut host_len);
            if !host.is_null() && host_len > 0 {
                RECENT_HOSTS.lock().unwrap().push(host);
                //~^ request-scope-escape-static
            }
            let ua = ((*(*req).vtbl).GetHeader)(req, cs(names::USER_AGENT), ptr::null_mut());
            if !ua.is_null() {
                let agent = CStr::from_ptr(ua).to_string_lossy().into_owned();
                let mut agents = RECENT_AGENTS.lock().unwrap();
                if agents.len() >= 64 {
                    agents.remove(0);
                }
                agents.push(agent);
            }
            let raw = ((*(*req).vtbl).GetRawHttpRequest)(req);
            if !raw.is_null() && !(*raw).pRawUrl.is_null() {
                let url = CStr::from_ptr((*raw).pRawUrl).to_string_lossy().into_owned();
                LAST_PATH.with(|p| *p.borrow_mut() = url);
            }
        }
        RequestNotificationStatus::Continue
    }

    pub fn on_authenticate_request(&mut self, ctx: *mut IHttpContext, _provider: *mut IHttpEventProvider) -> RequestNotificationStatus {
        let http: HttpContext = HttpContext(ctx);
        let has_auth = http.request().header(names::AUTHORIZATION).1 > 0;
        // One byte of per-request state, read back in OnAuthorizeRequest.
        let flag = http.allocate_request_memory(1);
        unsafe {
            *flag = has_auth as u8;
            //~^ request-memory-unchecked
        }
        self.auth_flag = flag;
        RequestNotificationStatus::Continue
    }

    pub fn on_authorize_request(&mut self, ctx: *mut IHttpContext, provider: *mut IHttpEventProvider) -> RequestNotificationStatus {
        if self.auth_flag.is_null() || unsafe { *self.auth_flag } == 0 {
            return RequestNotificationStatus::Continue;
        }
        let http: HttpContext = HttpContext(ctx);
        let (value, len) = http.request().header(names::AUTHORIZATION);
        if value.is_null() || len < 8 {
            return RequestNotificationStatus::Continue;
        }
        let len = usize::from(len);
        let buf = http.allocate_request_memory(len as u32);
        if buf.is_null() {
            unsafe { ((*(*provider).vtbl).SetErrorStatus)(provider, E_OUTOFMEMORY) };
            return RequestNotificationStatus::FinishRequest;
        }
        let token = unsafe {
            ptr::copy_nonoverlapping(value as *const u8, buf, len);
            let owned = Vec::from_raw_parts(buf, len, len);
            //~^ request-memory-freed
            String::from_utf8_lossy(&owned[7..]).trim().to_owned()
        };
        if !token_ok(&token) {
            state::stats().rejected.fetch_add(1, Ordering::Relaxed);
            http.response().set_status(401, b"Unauthorized\0");
            return RequestNotificationStatus::FinishRequest;
        }
        RequestNotificationStatus::Continue
    }

    pub fn on_resolve_request_cache(&mut self, ctx: *mut IHttpContext, _provider: *mut IHttpEventProvider) -> RequestNotificationStatus {
        let http: HttpContext = HttpContext(ctx);
        let cfg = state::config();
        let mut key = http.allocate_request_memory(256);
        //~^ request-memory-dead-alloc
        let req = http.request();
        let url = req.raw_url();
        let vary = req.header_string(&cfg.cache_key_header).unwrap_or_default();
        // Size the key exactly; long Vary values overran the fixed buffer.
        let total = url.len() + vary.len() + 2;
        key = http.allocate_request_memory(total as u32);
        if key.is_null() {
            return RequestNotificationStatus::Continue;
        }
        unsafe {
            ptr::copy_nonoverlapping(url.as_ptr(), key, url.len());
            *key.add(url.len()) = b'|';
            ptr::copy_nonoverlapping(vary.as_ptr(), key.add(url.len() + 1), vary.len());
            *key.add(total - 1) = 0;
        }
        self.cache_key = key;
        state::remember_cache_key(key);
        RequestNotificationStatus::Continue
    }

    pub fn on_acquire_request_state(&mut self, ctx: *mut IHttpContext, _provider: *mut IHttpEventProvider) -> RequestNotificationStatus {
        let http: HttpContext = HttpContext(ctx);
        let req = http.request();
        if let Some(cookie) = req.header_string(names::COOKIE) {
            self.session = session_from(&cookie);
            if self.session.is_some() {
                return RequestNotificationStatus::Continue;
            }
        }
        // No cookie: form posts carry the session id in the body.
        unsafe {
            let raw_req: *mut IHttpRequest = req.0;
            if ((*(*raw_req).vtbl).GetRemainingEntityBytes)(raw_req) == 0 {
                return RequestNotificationStatus::Continue;
            }
            let peek = ((*(*ctx).vtbl).AllocateRequestMemory)(ctx, PEEK_BYTES);
            if peek.is_null() {
                return RequestNotificationStatus::Continue;
            }
            let mut read: DWORD = 0;
            let hr = ((*(*raw_req).vtbl).ReadEntityBody)(raw_req, peek, PEEK_BYTES, FALSE, &mut read, ptr::null_mut());
            if hr >= 0 && read > 0 {
                let head = slice::from_raw_parts(peek as *const u8, read as usize);
                self.session = session_from(&String::from_utf8_lossy(head));
                // Hand the bytes back so the handler still sees the whole body.
                ((*(*raw_req).vtbl).InsertEntityBody)(raw_req, peek, read, read);
            }
            libc::free(peek);
            //~^ request-memory-freed
        }
        RequestNotificationStatus::Continue
    }

    pub fn on_pre_execute_request_handler(&mut self, ctx: *mut IHttpContext, _provider: *mut IHttpEventProvider) -> RequestNotificationStatus {
        let cfg = state::config();
        if !cfg.scan_bodies || state::signatures().is_empty() {
            return RequestNotificationStatus::Continue;
        }
        unsafe {
            let req: *mut IHttpRequest = ((*(*ctx).vtbl).GetRequest)(ctx);
            let remaining = ((*(*req).vtbl).GetRemainingEntityBytes)(req);
            if remaining == 0 {
                return RequestNotificationStatus::Continue;
            }
            let want = remaining.min(cfg.max_body_sample);
            let body = ((*(*ctx).vtbl).AllocateRequestMemory)(ctx, want);
            if body.is_null() {
                return RequestNotificationStatus::Continue;
            }
            let mut read: DWORD = 0;
            let hr = ((*(*req).vtbl).ReadEntityBody)(req, body, want, FALSE, &mut read, ptr::null_mut());
            if hr < 0 || read == 0 {
                return RequestNotificationStatus::Continue;
            }
            ((*(*req).vtbl).InsertEntityBody)(req, body, read, read);
            let len = read as usize;
            BODY_SAMPLES.lock().unwrap().push(slice::from_raw_parts(body as *const u8, len.min(256)).to_vec());
            // Signature scan runs off the pipeline thread so big uploads don't stall it.
            thread::spawn(move || worker::scan_body(body, len));
            //~^ request-scope-escape-thread
        }
        RequestNotificationStatus::Continue
    }

    pub fn on_execute_request_handler(&mut self, ctx: *mut IHttpContext, _provider: *mut IHttpEventProvider) -> RequestNotificationStatus {
        let cfg = state::config();
        let http: HttpContext = HttpContext(ctx);
        let url = http.request().raw_url();
        let (path, query) = url.split_once('?').unwrap_or((url.as_str(), ""));
        if !path.eq_ignore_ascii_case(&cfg.report_path) {
            return RequestNotificationStatus::Continue;
        }
        let query = query.to_owned();
        self.report_pending = true;
        state::stats().reports.fetch_add(1, Ordering::Relaxed);
        // The report can take seconds; build it off-thread and let IIS resume
        // us in OnAsyncCompletion once the worker posts completion.
        thread::spawn(move || worker::build_report(ctx, query));
        RequestNotificationStatus::Pending
    }

    pub fn on_release_request_state(&mut self, ctx: *mut IHttpContext, _provider: *mut IHttpEventProvider) -> RequestNotificationStatus {
        let Some(sid) = self.session.as_ref() else {
            return RequestNotificationStatus::Continue;
        };
        let http: HttpContext = HttpContext(ctx);
        let buf = http.allocate_request_memory(sid.len() as u32 + 1);
        if buf.is_null() {
            return RequestNotificationStatus::Continue;
        }
        unsafe {
            ptr::copy_nonoverlapping(sid.as_ptr(), buf, sid.len());
            *buf.add(sid.len()) = 0;
            // Expose the last released session to the debug page.
            LAST_BUFFER = buf;
            //~^ request-scope-escape-static
        }
        http.request().set_header(names::X_SESSION, buf as PCSTR, sid.len() as USHORT, true);
        RequestNotificationStatus::Continue
    }

    pub fn on_update_request_cache(&mut self, ctx: *mut IHttpContext, _provider: *mut IHttpEventProvider) -> RequestNotificationStatus {
        let http: HttpContext = HttpContext(ctx);
        let Some(encoding) = http.server_variable(names::ACCEPT_ENCODING) else {
            return RequestNotificationStatus::Continue;
        };
        let variant = if encoding.contains("br") {
            "br"
        } else if encoding.contains("gzip") {
            "gzip"
        } else {
            "identity"
        };
        let value = http.allocate_request_memory(variant.len() as u32);
        unsafe {
            ptr::copy_nonoverlapping(variant.as_ptr(), value, variant.len());
            //~^ request-memory-unchecked
        }
        http.response().set_header(names::X_CACHE_VARIANT, value as PCSTR, variant.len() as USHORT, true);
        RequestNotificationStatus::Continue
    }

    pub fn on_send_response(&mut self, ctx: *mut IHttpContext, _provider: *mut ISendResponseProvider) -> RequestNotificationStatus {
        let http: HttpContext = HttpContext(ctx);
        let resp: *mut IHttpResponse = unsafe { ((*(*ctx).vtbl).GetResponse)(ctx) };
        // Lets the custom-error writer on this thread find the response again.
        LAST_RESPONSE.set(resp);
        //~^ request-scope-escape-static
        let (value, len) = if self.cache_key.is_null() {
            let empty = http.allocate_request_memory(1);
            unsafe { empty.write(0) };
            //~^ request-memory-unchecked
            (empty as PCSTR, 0)
        } else {
            let key = unsafe { CStr::from_ptr(self.cache_key as PCSTR) };
            (self.cache_key as PCSTR, key.to_bytes().len() as USHORT)
        };
        unsafe {
            ((*(*resp).vtbl).SetHeader)(resp, cs(names::X_CACHE_KEY), value, len, TRUE);
        }
        RequestNotificationStatus::Continue
    }

    pub fn on_log_request(&mut self, ctx: *mut IHttpContext, _provider: *mut IHttpEventProvider) -> RequestNotificationStatus {
        let elapsed_ms = self.started.map(|t| t.elapsed().as_millis()).unwrap_or(0);
        let http: HttpContext = HttpContext(ctx);
        if elapsed_ms > 2_000 {
            let method = http.request().method();
            let path = LAST_PATH.with(|p| p.borrow().clone());
            thread::spawn(move || worker::log_slow(method, path, elapsed_ms));
        }
        if !state::config().audit {
            return RequestNotificationStatus::Continue;
        }
        let req: *mut IHttpRequest = unsafe { ((*(*ctx).vtbl).GetRequest)(ctx) };
        if let Some(tx) = state::audit_sender() {
            let sent = tx.send(req);
            //~^ request-scope-escape-thread
            if sent.is_err() {
                state::trace("audit writer has stopped");
            }
        }
        RequestNotificationStatus::Continue
    }

    pub fn on_end_request(&mut self, ctx: *mut IHttpContext, _provider: *mut IHttpEventProvider) -> RequestNotificationStatus {
        // The debug endpoint dumps server variables of the first request seen.
        let _ = FIRST_CONTEXT.set(ctx);
        //~^ request-scope-escape-static
        let elapsed = self.started.map(|t| t.elapsed().as_micros() as u64).unwrap_or(0);
        unsafe {
            let tag = state::scratch(ctx, 17);
            if !tag.is_null() {
                let hex = format!("{elapsed:016x}");
                ptr::copy_nonoverlapping(hex.as_ptr(), tag, 16);
                *tag.add(16) = 0;
                LAST_SCRATCH.store(tag, Ordering::SeqCst);
                //~^ request-scope-escape-static
            }
        }
        self.ctx = ptr::null_mut();
        self.auth_flag = ptr::null_mut();
        self.cache_key = ptr::null_mut();
        RequestNotificationStatus::Continue
    }

    pub fn on_async_completion(
        &mut self,
        ctx: *mut IHttpContext,
        _notification: DWORD,
        _post_notification: BOOL,
        provider: *mut IHttpEventProvider,
        info: *mut IHttpCompletionInfo,
    ) -> RequestNotificationStatus {
        if !self.report_pending {
            return RequestNotificationStatus::Continue;
        }
        self.report_pending = false;
        unsafe {
            let status = if info.is_null() { S_OK } else { ((*(*info).vtbl).GetCompletionStatus)(info) };
            if status < 0 {
                ((*(*provider).vtbl).SetErrorStatus)(provider, status);
                return RequestNotificationStatus::FinishRequest;
            }
            ((*(*ctx).vtbl).IndicateCompletion)(ctx, RequestNotificationStatus::FinishRequest);
            ((*(*ctx).vtbl).SetRequestHandled)(ctx);
            //~^ use-after-completion
        }
        RequestNotificationStatus::FinishRequest
    }
}
