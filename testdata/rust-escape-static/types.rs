// types.rs - request objects recognised by their declared Rust types: raw pointers, references,
// `NonNull`, `Option<NonNull<_>>` and boxes all point to the interface they name.
use std::ffi::c_char;
use std::ptr::{null, null_mut, NonNull};

static mut CONTEXT: *mut IHttpContext = null_mut();
static mut REQUEST: Option<NonNull<IHttpRequest>> = None;
static mut NAME: *const c_char = null();
static mut BOXED: Option<Box<*mut IHttpContext>> = None;

pub struct Holder {
    pub context: *mut IHttpContext,
}

static mut HOLDER: Holder = Holder { context: null_mut() };

pub unsafe fn by_reference(ctx: &mut IHttpContext) {
    CONTEXT = ctx;
    //~^ request-scope-escape-static
    let request = ctx.get_request();
    REQUEST = NonNull::new(request);
    //~^ request-scope-escape-static
}

pub unsafe fn by_non_null(ctx: Option<NonNull<IHttpContext>>) {
    let Some(ctx) = ctx else {
        return;
    };
    CONTEXT = ctx.as_ptr();
    //~^ request-scope-escape-static
    BOXED = Some(Box::new(ctx.as_ptr()));
    //~^ request-scope-escape-static
    HOLDER.context = ctx.as_ptr();
    //~^ request-scope-escape-static
}

pub unsafe fn by_wrapper(holder: &Holder, name: *const c_char) {
    let ctx: *mut IHttpContext = holder.context;
    CONTEXT = ctx;
    //~^ request-scope-escape-static
    NAME = name;
}

pub unsafe fn not_request_objects(server: *mut IHttpServer, count: Box<u32>) {
    let local: Box<*mut IHttpServer> = Box::new(server);
    NAME = (*local) as *const c_char;
    drop(count);
}

static mut BY_PATH: *mut u8 = null_mut();

pub unsafe fn by_path(ctx: *mut IHttpContext) {
    let p = IHttpContext::allocate_request_memory(&mut *ctx, 8) as *mut u8;
    if p.is_null() {
        return;
    }
    BY_PATH = p;
    //~^ request-scope-escape-static
}
