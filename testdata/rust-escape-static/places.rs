// places.rs - static places reached through raw addresses, references, fields, and statics
// declared inside the function.
use std::cell::{Cell, RefCell};
use std::ptr::{addr_of_mut, null_mut};

pub struct Tracker {
    pub last: *mut u8,
    pub count: u32,
}

static mut TRACKER: Tracker = Tracker { last: null_mut(), count: 0 };

thread_local! {
    static HISTORY: RefCell<Vec<*mut u8>> = const { RefCell::new(Vec::new()) };
}

pub unsafe fn track(ctx: *mut IHttpContext) {
    let p = (*ctx).allocate_request_memory(8) as *mut u8;
    if p.is_null() {
        return;
    }
    TRACKER.last = p;
    //~^ request-scope-escape-static
    (*addr_of_mut!(TRACKER)).last = p;
    //~^ request-scope-escape-static
    addr_of_mut!(TRACKER.last).write(p);
    //~^ request-scope-escape-static
    let tracker = &mut TRACKER;
    tracker.last = p;
    //~^ request-scope-escape-static
    let raw = &raw mut TRACKER;
    (*raw).last = p;
    //~^ request-scope-escape-static
    tracker.count += 1;
    HISTORY.with(|h| h.borrow_mut().push(p));
    //~^ request-scope-escape-static
    static mut FIRST: *mut u8 = null_mut();
    if FIRST.is_null() {
        FIRST = p;
        //~^ request-scope-escape-static
    }
    thread_local! {
        static SCRATCH: Cell<*mut u8> = const { Cell::new(null_mut()) };
    }
    SCRATCH.set(p);
    //~^ request-scope-escape-static
    let mut local = Tracker { last: null_mut(), count: 0 };
    local.last = p;
    let alias = &mut local;
    alias.last = p;
}
