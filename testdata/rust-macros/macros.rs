// macros.rs - macro invocations are parsed again from their tokens: the expressions inside are
// uses, a vtable-call macro is the call it names, and a macro the front end cannot read never
// stops the analysis of the rest of the function.
use std::ptr::{addr_of_mut, null_mut};
use std::sync::Mutex;

static mut LAST: *mut u8 = null_mut();
static mut CONTEXT: *mut IHttpContext = null_mut();
static HISTORY: Mutex<Vec<Vec<*mut u8>>> = Mutex::new(Vec::new());

/// `vtbl_call!(obj, Method, args...)` calls `Method` through `obj`'s vtable.
macro_rules! vtbl_call {
    ($obj:expr, $method:ident $(, $arg:expr)*) => {
        unsafe { ((*(*$obj).vtbl).$method)($obj $(, $arg)*) }
    };
}

macro_rules! trace {
    ($($t:tt)*) => {
        if cfg!(debug_assertions) {
            unsafe { LAST = null_mut(); }
            eprintln!($($t)*);
        }
    };
}

macro_rules! route_table {
    ($($path:literal => $handler:ident),* $(,)?) => {
        &[$(($path, $handler as fn())),*]
    };
}

pub unsafe fn with_macros(ctx: *mut IHttpContext) -> REQUEST_NOTIFICATION_STATUS {
    let body = vtbl_call!(ctx, AllocateRequestMemory, 64) as *mut u8;
    trace!("allocated {:p} for {}", body, line!());
    if body.is_null() {
        unreachable!("IIS never fails small allocations in this pool: {}", 64);
    }
    println!("body at {:p}, first byte {}", body, *body);
    LAST = body;
    //~^ request-scope-escape-static
    let routes = route_table! { "/a" => handler_a, "/b" => handler_b };
    let weird = my_dsl! { body <- [1, 2] ; when ready => go };
    HISTORY.lock().unwrap().push(vec![body, null_mut()]);
    //~^ request-scope-escape-static
    let slot = addr_of_mut!(LAST);
    *slot = dbg!(body);
    //~^ request-scope-escape-static
    CONTEXT = dbg!(ctx);
    //~^ request-scope-escape-static
    let _ = (routes, weird);
    RQ_NOTIFICATION_CONTINUE
}

pub unsafe fn asserted(ctx: *mut IHttpContext) {
    let p = vtbl_call!(ctx, AllocateRequestMemory, 8) as *mut u8;
    debug_assert!(!p.is_null());
    *p = 1;
    let q = (*ctx).allocate_request_memory(8) as *mut u8;
    assert_ne!(q, null_mut());
    *q = 2;
    let r = (*ctx).allocate_request_memory(8) as *mut u8;
    if matches!(r.as_ref(), Some(_)) {
        return;
    }
    *r = 3;
    //~^ request-memory-unchecked
}

fn handler_a() {}
fn handler_b() {}
