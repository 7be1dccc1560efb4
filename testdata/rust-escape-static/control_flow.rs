// control_flow.rs - values followed through Rust's expressions: `if`/`match` values, `if let`,
// `let ... else`, `?`, labelled loops, blocks, shadowing, closures that run in place, and
// paths that leave before the store.
use std::ptr::{null_mut, NonNull};
use std::sync::Mutex;

static mut SLOT: *mut u8 = null_mut();
static mut OTHER: *mut u8 = null_mut();
static LIST: Mutex<Vec<*mut u8>> = Mutex::new(Vec::new());

pub unsafe fn branches(ctx: *mut IHttpContext, big: bool) -> Option<u32> {
    let raw = (*ctx).allocate_request_memory(if big { 4096 } else { 64 }) as *mut u8;
    let chosen = if big { raw } else { null_mut() };
    SLOT = chosen;
    //~^ request-scope-escape-static
    let nn = NonNull::new(raw)?;
    let picked = match big {
        true => nn.as_ptr(),
        false => return None,
    };
    OTHER = picked;
    //~^ request-scope-escape-static
    if let Some(p) = NonNull::new(raw) {
        LIST.lock().unwrap().push(p.as_ptr());
        //~^ request-scope-escape-static
    }
    let Some(q) = NonNull::new(raw) else {
        return None;
    };
    let from_block = {
        let offset = 8;
        q.as_ptr().add(offset)
    };
    SLOT = unsafe { from_block };
    //~^ request-scope-escape-static
    Some(0)
}

pub unsafe fn loops(ctx: *mut IHttpContext, items: &[u32]) {
    let mut found = null_mut();
    'search: for item in items {
        for _ in 0..4 {
            if *item == 7 {
                found = (*ctx).allocate_request_memory(*item) as *mut u8;
                break 'search;
            }
        }
    }
    SLOT = found;
    //~^ request-scope-escape-static
    let first = loop {
        let p = (*ctx).allocate_request_memory(16) as *mut u8;
        if !p.is_null() {
            break p;
        }
    };
    OTHER = first;
    //~^ request-scope-escape-static
}

pub unsafe fn closures(ctx: *mut IHttpContext, flag: Option<u32>) {
    let p = (*ctx).allocate_request_memory(16) as *mut u8;
    let mapped = flag.map(|n| p.add(n as usize));
    SLOT = mapped.unwrap_or(null_mut());
    //~^ request-scope-escape-static
    let fallback = NonNull::new(p).map(|n| n.as_ptr()).unwrap_or_else(null_mut);
    OTHER = fallback;
    //~^ request-scope-escape-static
}

pub unsafe fn silent_paths(ctx: *mut IHttpContext, early: bool) {
    let p = (*ctx).allocate_request_memory(16) as *mut u8;
    if early {
        return;
    }
    let len = std::slice::from_raw_parts(p, 16).len();
    let p = Box::into_raw(Box::new(0u8));
    SLOT = p;
    let q = (*ctx).allocate_request_memory(16) as *mut u8;
    let kept = match NonNull::new(q) {
        Some(_) => null_mut(),
        None => q,
    };
    drop(kept);
    let copied = if early { 0 } else { len };
    OTHER = copied as *mut u8;
}
