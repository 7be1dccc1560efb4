// in_loop.rs - allocations in loops the client drives, and loops with a fixed bound.
const MAX_BODY: u32 = 1 << 20;

pub unsafe fn read_body(ctx: *mut IHttpContext) -> REQUEST_NOTIFICATION_STATUS {
    let request = (*ctx).get_request();
    let mut remaining = (*request).get_remaining_entity_bytes();
    while remaining > 0 {
        let chunk = (*ctx).allocate_request_memory(4096) as *mut u8;
        //~^ request-memory-in-loop
        if chunk.is_null() {
            return RQ_NOTIFICATION_FINISH_REQUEST;
        }
        let mut got: u32 = 0;
        (*request).read_entity_body(chunk.cast(), 4096, false, &mut got, std::ptr::null_mut());
        remaining = remaining.saturating_sub(got);
    }
    let count = (*request).get_remaining_entity_bytes();
    for i in 0..count {
        let slot = (*ctx).allocate_request_memory(16) as *mut u8;
        //~^ request-memory-in-loop
        if slot.is_null() {
            break;
        }
        *slot = i as u8;
    }
    RQ_NOTIFICATION_CONTINUE
}

pub unsafe fn bounded(ctx: *mut IHttpContext) -> REQUEST_NOTIFICATION_STATUS {
    let request = (*ctx).get_request();
    let mut total = (*request).get_remaining_entity_bytes();
    while total < MAX_BODY {
        let chunk = (*ctx).allocate_request_memory(4096) as *mut u8;
        if chunk.is_null() {
            break;
        }
        *chunk = 0;
        total += 4096;
    }
    for i in 0..16 {
        let slot = (*ctx).allocate_request_memory(16) as *mut u8;
        if slot.is_null() {
            break;
        }
        *slot = i;
    }
    RQ_NOTIFICATION_CONTINUE
}

pub unsafe fn copy_headers(ctx: *mut IHttpContext, limit: u32) -> REQUEST_NOTIFICATION_STATUS {
    let request = (*ctx).get_request();
    let total = (*request).get_remaining_entity_bytes();
    let mut received = 0u32;
    while received < total {
        let block = (*ctx).allocate_request_memory(512) as *mut u8;
        //~^ request-memory-in-loop
        if block.is_null() {
            return RQ_NOTIFICATION_FINISH_REQUEST;
        }
        *block = 0;
        received += 512;
    }
    let mut i = 0;
    while i < limit.min(8) && i < 8 {
        let slot = (*ctx).allocate_request_memory(8) as *mut u8;
        if slot.is_null() {
            break;
        }
        *slot = 0;
        i += 1;
    }
    RQ_NOTIFICATION_CONTINUE
}
