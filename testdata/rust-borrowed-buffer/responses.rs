// responses.rs - buffers that die before the response is sent, handed to IIS by reference;
// request memory and static data are the fix.
use std::mem::zeroed;
use std::ptr::null_mut;

static BANNER: &[u8] = b"<html>maintenance</html>";
static mut STATIC_BODY: [u8; 32] = [0; 32];

pub unsafe fn stack_and_heap(ctx: *mut IHttpContext, status: u32) -> REQUEST_NOTIFICATION_STATUS {
    let response = (*ctx).get_response();
    let mut line = [0u8; 128];
    let mut chunk: HTTP_DATA_CHUNK = zeroed();
    chunk.DataChunkType = HttpDataChunkFromMemory;
    chunk.FromMemory.pBuffer = line.as_mut_ptr().cast();
    chunk.FromMemory.BufferLength = line.len() as u32;
    (*response).write_entity_chunk_by_reference(&mut chunk, -1);
    //~^ borrowed-buffer-by-reference
    let text = format!("status {status}");
    let body: String = text.clone();
    let mut second: HTTP_DATA_CHUNK = zeroed();
    second.FromMemory.pBuffer = body.as_ptr() as *mut std::ffi::c_void;
    ((*((*response).vtbl as *const IHttpResponseVtbl)).WriteEntityChunkByReference)(response, &mut second, -1);
    //~^ borrowed-buffer-by-reference
    let bytes = vec![0u8; 64];
    let mut third: HTTP_DATA_CHUNK = zeroed();
    third.FromMemory.pBuffer = bytes.as_ptr() as *mut std::ffi::c_void;
    let mut sent = 0u32;
    ((*((*response).vtbl as *const IHttpResponseVtbl)).WriteEntityChunks)(
        response, &mut third, 1, true, false, &mut sent, null_mut(),
    );
    //~^^^ borrowed-buffer-by-reference
    RQ_NOTIFICATION_CONTINUE
}

pub unsafe fn request_memory_and_statics(ctx: *mut IHttpContext) -> REQUEST_NOTIFICATION_STATUS {
    let response = (*ctx).get_response();
    let buffer = (*ctx).allocate_request_memory(128);
    if buffer.is_null() {
        return RQ_NOTIFICATION_FINISH_REQUEST;
    }
    let mut chunk: HTTP_DATA_CHUNK = zeroed();
    chunk.FromMemory.pBuffer = buffer;
    (*response).write_entity_chunk_by_reference(&mut chunk, -1);
    let mut banner: HTTP_DATA_CHUNK = zeroed();
    banner.FromMemory.pBuffer = BANNER.as_ptr() as *mut std::ffi::c_void;
    (*response).write_entity_chunk_by_reference(&mut banner, -1);
    let mut fixed: HTTP_DATA_CHUNK = zeroed();
    fixed.FromMemory.pBuffer = STATIC_BODY.as_mut_ptr().cast();
    (*response).write_entity_chunk_by_reference(&mut fixed, -1);
    let mut local = [0u8; 16];
    let mut synchronous: HTTP_DATA_CHUNK = zeroed();
    synchronous.FromMemory.pBuffer = local.as_mut_ptr().cast();
    let mut sent = 0u32;
    ((*((*response).vtbl as *const IHttpResponseVtbl)).WriteEntityChunks)(
        response, &mut synchronous, 1, false, false, &mut sent, null_mut(),
    );
    RQ_NOTIFICATION_CONTINUE
}

pub struct Page {
    pub html: String,
}

pub unsafe fn element_addresses(ctx: *mut IHttpContext, page: &Page) -> REQUEST_NOTIFICATION_STATUS {
    let response = (*ctx).get_response();
    let mut status = [0u8; 32];
    let mut chunk: HTTP_DATA_CHUNK = zeroed();
    chunk.FromMemory.pBuffer = (&mut status[0]) as *mut u8 as *mut std::ffi::c_void;
    (*response).write_entity_chunk_by_reference(&mut chunk, -1);
    //~^ borrowed-buffer-by-reference
    let mut owned: Vec<u8> = Vec::with_capacity(64);
    owned.extend_from_slice(page.html.as_bytes());
    let mut second: HTTP_DATA_CHUNK = zeroed();
    second.FromMemory.pBuffer = owned.as_mut_ptr().cast();
    (*response).write_entity_chunk_by_reference(&mut second, -1);
    //~^ borrowed-buffer-by-reference
    let copy = (*ctx).allocate_request_memory(page.html.len() as u32) as *mut u8;
    if copy.is_null() {
        return RQ_NOTIFICATION_FINISH_REQUEST;
    }
    std::ptr::copy_nonoverlapping(page.html.as_ptr(), copy, page.html.len());
    let mut third: HTTP_DATA_CHUNK = zeroed();
    third.FromMemory.pBuffer = copy.cast();
    (*response).write_entity_chunk_by_reference(&mut third, -1);
    RQ_NOTIFICATION_CONTINUE
}
