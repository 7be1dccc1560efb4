// negatives.rs - what stays silent: copies of the content, the server pointer, numbers, values
// reassigned before the store, per-request storage, and look-alike methods of the module's own
// types.
use std::borrow::Cow;
use std::ffi::c_void;
use std::ffi::{CStr, CString};
use std::ptr::null_mut;
use std::sync::atomic::{AtomicU32, AtomicUsize, Ordering};
use std::sync::Mutex;

static mut SERVER: *mut IHttpServer = null_mut();
static mut LAST_LENGTH: u32 = 0;
static mut LAST_COPY: Vec<u8> = Vec::new();
static mut SPARE: *mut u8 = null_mut();
static REQUESTS: AtomicU32 = AtomicU32::new(0);
static TOTAL_BYTES: AtomicUsize = AtomicUsize::new(0);
static NAMES: Mutex<Vec<String>> = Mutex::new(Vec::new());
static HOSTS: Mutex<Vec<CString>> = Mutex::new(Vec::new());

pub struct HeaderTable {
    names: Vec<String>,
}

impl HeaderTable {
    pub fn get_header(&self, i: usize) -> *const u8 {
        self.names[i].as_ptr()
    }
}

static mut TABLE: HeaderTable = HeaderTable { names: Vec::new() };
static mut FROM_TABLE: *const u8 = std::ptr::null();

#[no_mangle]
pub unsafe extern "system" fn RegisterModule(
    _version: u32,
    _info: *mut c_void,
    server: *mut IHttpServer,
) -> HRESULT {
    SERVER = server;
    0
}

pub unsafe extern "system" fn on_log_request(ctx: *mut IHttpContext) -> REQUEST_NOTIFICATION_STATUS {
    let body = (*ctx).allocate_request_memory(128) as *mut u8;
    if body.is_null() {
        return RQ_NOTIFICATION_FINISH_REQUEST;
    }
    // Copies of the content own their bytes.
    LAST_COPY = std::slice::from_raw_parts(body, 128).to_vec();
    let name = CStr::from_ptr(body as *const i8).to_owned();
    HOSTS.lock().unwrap().push(name);
    NAMES.lock().unwrap().push(CStr::from_ptr(body as *const i8).to_string_lossy().into_owned());
    let text: Cow<str> = String::from_utf8_lossy(std::slice::from_raw_parts(body, 16));
    NAMES.lock().unwrap().push(text.into_owned());
    NAMES.lock().unwrap().push(String::from("static text"));
    // Numbers are not pointers.
    LAST_LENGTH = 128 as u32;
    REQUESTS.fetch_add(1, Ordering::Relaxed);
    TOTAL_BYTES.store(128, Ordering::Relaxed);
    // A variable that held request memory is reassigned first.
    let mut current = body;
    current = Box::into_raw(Box::new(0u8));
    SPARE = current;
    // Per-request storage.
    let mut kept: Vec<*mut u8> = Vec::new();
    kept.push(body);
    let local_cache = Mutex::new(Vec::new());
    local_cache.lock().unwrap().push(body);
    // The module's own `get_header` is not IIS's.
    FROM_TABLE = TABLE.get_header(0);
    RQ_NOTIFICATION_CONTINUE
}

pub unsafe extern "system" fn on_end_request(ctx: *mut IHttpContext) -> REQUEST_NOTIFICATION_STATUS {
    let request = (*ctx).get_request();
    let agent = (*request).get_header(c"User-Agent".as_ptr() as *const u8, null_mut());
    if agent.is_null() {
        return RQ_NOTIFICATION_CONTINUE;
    }
    let owned = CStr::from_ptr(agent as *const i8).to_str().map(str::to_owned);
    if let Ok(owned) = owned {
        NAMES.lock().unwrap().push(owned);
    }
    let agent = null_mut();
    SPARE = agent;
    RQ_NOTIFICATION_CONTINUE
}
