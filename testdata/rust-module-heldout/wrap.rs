//! Thin wrappers over the raw vtables so handler code reads like Rust.  The
//! wrappers are plain handles: they own nothing and must not outlive the
//! notification that produced them.

use std::ffi::CStr;
use std::ptr;
use std::slice;

use crate::ffi::*;

/// Pointer to a NUL-terminated byte-string constant.
pub fn cs(name: &'static [u8]) -> PCSTR {
    debug_assert_eq!(name.last(), Some(&0));
    name.as_ptr() as PCSTR
}

pub struct HttpContext(pub *mut IHttpContext);
pub struct HttpRequest(pub *mut IHttpRequest);
pub struct HttpResponse(pub *mut IHttpResponse);

impl HttpContext {
    pub fn allocate_request_memory(&self, n: u32) -> *mut u8 {
        unsafe { ((*(*self.0).vtbl).AllocateRequestMemory)(self.0, n) as *mut u8 }
    }

    pub fn request(&self) -> HttpRequest {
        HttpRequest(unsafe { ((*(*self.0).vtbl).GetRequest)(self.0) })
    }

    pub fn response(&self) -> HttpResponse {
        HttpResponse(unsafe { ((*(*self.0).vtbl).GetResponse)(self.0) })
    }

    /// Owned copy of a server variable; `name` must be NUL-terminated.
    pub fn server_variable(&self, name: &[u8]) -> Option<String> {
        let mut value: PCSTR = ptr::null();
        let mut len: DWORD = 0;
        let hr = unsafe {
            ((*(*self.0).vtbl).GetServerVariable)(self.0, name.as_ptr() as PCSTR, &mut value, &mut len)
        };
        if hr < 0 || value.is_null() {
            return None;
        }
        let bytes = unsafe { slice::from_raw_parts(value as *const u8, len as usize) };
        Some(String::from_utf8_lossy(bytes).into_owned())
    }
}

impl HttpRequest {
    /// Raw header value and its length; the pointer is null when absent.
    pub fn header(&self, name: &[u8]) -> (PCSTR, USHORT) {
        let mut len: USHORT = 0;
        let value = unsafe { ((*(*self.0).vtbl).GetHeader)(self.0, name.as_ptr() as PCSTR, &mut len) };
        (value, len)
    }

    pub fn header_string(&self, name: &[u8]) -> Option<String> {
        let (value, len) = self.header(name);
        if value.is_null() {
            return None;
        }
        let bytes = unsafe { slice::from_raw_parts(value as *const u8, usize::from(len)) };
        Some(String::from_utf8_lossy(bytes).into_owned())
    }

    pub fn method(&self) -> String {
        unsafe {
            let m = ((*(*self.0).vtbl).GetHttpMethod)(self.0);
            if m.is_null() {
                return String::new();
            }
            CStr::from_ptr(m).to_string_lossy().into_owned()
        }
    }

    pub fn raw_url(&self) -> String {
        unsafe {
            let raw = ((*(*self.0).vtbl).GetRawHttpRequest)(self.0);
            if raw.is_null() || (*raw).pRawUrl.is_null() {
                return String::new();
            }
            let bytes = slice::from_raw_parts((*raw).pRawUrl as *const u8, usize::from((*raw).RawUrlLength));
            String::from_utf8_lossy(bytes).into_owned()
        }
    }

    pub fn set_header(&self, name: &[u8], value: PCSTR, len: USHORT, replace: bool) -> HRESULT {
        let replace = if replace { TRUE } else { FALSE };
        unsafe { ((*(*self.0).vtbl).SetHeader)(self.0, name.as_ptr() as PCSTR, value, len, replace) }
    }
}

impl HttpResponse {
    /// `reason` must be NUL-terminated.
    pub fn set_status(&self, code: u16, reason: &[u8]) -> HRESULT {
        unsafe {
            ((*(*self.0).vtbl).SetStatus)(
                self.0,
                code,
                reason.as_ptr() as PCSTR,
                0,
                S_OK,
                ptr::null_mut(),
                TRUE,
            )
        }
    }

    pub fn set_header(&self, name: &[u8], value: PCSTR, len: USHORT, replace: bool) -> HRESULT {
        let replace = if replace { TRUE } else { FALSE };
        unsafe { ((*(*self.0).vtbl).SetHeader)(self.0, name.as_ptr() as PCSTR, value, len, replace) }
    }
}
