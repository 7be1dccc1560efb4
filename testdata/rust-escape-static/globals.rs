// globals.rs - request memory, request data and request objects kept in every kind of Rust
// static storage.
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::ptr::{self, null_mut};
use std::sync::atomic::{AtomicPtr, Ordering};
use std::sync::{Mutex, OnceLock, RwLock};

use once_cell::sync::Lazy;

static mut LAST_BODY: *mut u8 = null_mut();
static mut LAST_CONTEXT: *mut IHttpContext = null_mut();
static mut LAST_AGENT: *const u8 = ptr::null();
static LATEST: AtomicPtr<u8> = AtomicPtr::new(null_mut());
static FIRST_SEEN: OnceLock<usize> = OnceLock::new();
static FIRST_ADDRESS: OnceLock<usize> = OnceLock::new();
static RECENT: Mutex<Vec<*mut u8>> = Mutex::new(Vec::new());
static BY_ID: RwLock<Vec<*const u8>> = RwLock::new(Vec::new());
static AGENTS: Lazy<Mutex<HashMap<u32, *const u8>>> = Lazy::new(|| Mutex::new(HashMap::new()));

thread_local! {
    static TLS_BUFFER: Cell<*mut u8> = const { Cell::new(null_mut()) };
    static TLS_HISTORY: RefCell<Vec<*mut u8>> = RefCell::new(Vec::new());
}

lazy_static::lazy_static! {
    static ref SESSIONS: Mutex<HashMap<u64, SessionRef>> = Mutex::new(HashMap::new());
}

pub struct SessionRef {
    pub id: u64,
    pub cookie: *const u8,
}

pub unsafe extern "system" fn on_begin_request(
    ctx: *mut IHttpContext,
) -> REQUEST_NOTIFICATION_STATUS {
    let body = ((*(*ctx).vtbl).AllocateRequestMemory)(ctx, 256) as *mut u8;
    if body.is_null() {
        return RQ_NOTIFICATION_FINISH_REQUEST;
    }
    LAST_BODY = body;
    //~^ request-scope-escape-static
    LATEST.store(body.add(16), Ordering::Release);
    //~^ request-scope-escape-static
    RECENT.lock().unwrap().push(body);
    //~^ request-scope-escape-static
    FIRST_SEEN.get_or_init(|| body as usize);
    //~^ request-scope-escape-static
    let _ = FIRST_ADDRESS.set(body as usize);
    //~^ request-scope-escape-static
    LAST_CONTEXT = ctx;
    //~^ request-scope-escape-static
    RQ_NOTIFICATION_CONTINUE
}

pub unsafe extern "system" fn on_authenticate(
    ctx: *mut IHttpContext,
) -> REQUEST_NOTIFICATION_STATUS {
    let request = (*ctx).get_request();
    let mut len: u16 = 0;
    let agent = (*request).get_header(c"User-Agent".as_ptr() as *const u8, &mut len);
    if agent.is_null() {
        return RQ_NOTIFICATION_CONTINUE;
    }
    LAST_AGENT = agent;
    //~^ request-scope-escape-static
    BY_ID.write().unwrap().push(agent);
    //~^ request-scope-escape-static
    *BY_ID.write().unwrap() = vec![agent];
    //~^ request-scope-escape-static
    AGENTS.lock().unwrap().insert(u32::from(len), agent);
    //~^ request-scope-escape-static
    let mut guard = AGENTS.lock().expect("agents");
    guard.insert(0, agent);
    //~^ request-scope-escape-static
    let cookie = ((*(*request).vtbl).GetHeader)(request, c"Cookie".as_ptr() as *const u8, null_mut());
    let session = SessionRef { id: 7, cookie };
    SESSIONS.lock().unwrap().insert(session.id, session);
    //~^ request-scope-escape-static
    RQ_NOTIFICATION_CONTINUE
}

pub unsafe extern "system" fn on_map_path(ctx: *mut IHttpContext) -> REQUEST_NOTIFICATION_STATUS {
    let scratch = (*ctx).allocate_request_memory(64) as *mut u8;
    if scratch.is_null() {
        return RQ_NOTIFICATION_FINISH_REQUEST;
    }
    TLS_BUFFER.with(|cell| cell.set(scratch));
    //~^ request-scope-escape-static
    TLS_HISTORY.with_borrow_mut(|history| history.push(scratch.cast()));
    //~^ request-scope-escape-static
    TLS_BUFFER.set(scratch);
    //~^ request-scope-escape-static
    let old = std::mem::replace(&mut LAST_BODY, scratch);
    //~^ request-scope-escape-static
    drop(old);
    let mut value: *const u8 = ptr::null();
    let mut cch: u32 = 0;
    ((*(*ctx).vtbl).GetServerVariable)(ctx, c"URL".as_ptr() as *const u8, &mut value, &mut cch);
    LAST_AGENT = value;
    //~^ request-scope-escape-static
    RQ_NOTIFICATION_CONTINUE
}
