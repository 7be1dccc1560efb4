// Error-handling macros in the two common styles: `goto` a cleanup label, or a helper macro
// that jumps on NULL. iislint learns them from these definitions.
#pragma once

#define ErrorIf(expr, hresult) if (expr) { hr = hresult; goto Error; }
#define CheckNull(expr) ErrorIf(NULL == expr, E_INVALIDARG)

#define _GOTO_FINISHED() goto Finished
#define FINISHED_IF_NULL_ALLOC(ptr) do { if ((ptr) == nullptr) { \
        hr = E_OUTOFMEMORY; _GOTO_FINISHED(); } } while (0, 0)
#define FINISHED_IF_FAILED(hrr) do { HRESULT __hr = (hrr); if (FAILED(__hr)) { \
        hr = __hr; _GOTO_FINISHED(); } } while (0, 0)
