#ifndef SLAWATCH_CCURL_SHIM_H
#define SLAWATCH_CCURL_SHIM_H
#include <curl/curl.h>

/*
 * Typed wrappers for libcurl's variadic entry points, which Swift cannot call.
 * Glue only: each wrapper forwards its arguments unchanged and returns libcurl's code.
 * The caller picks the wrapper whose type matches the option (see curl_easy_setopt(3)).
 */

/* curl_global_init(CURL_GLOBAL_ALL): the flag is a compound macro Swift does not import. */
static inline CURLcode slw_global_init_all(void) {
    return curl_global_init(CURL_GLOBAL_ALL);
}

/* curl_easy_setopt */

static inline CURLcode slw_easy_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode slw_easy_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode slw_easy_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode slw_easy_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode slw_easy_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value) {
    return curl_easy_setopt(handle, option, value);
}

/* CURLOPT_WRITEFUNCTION and CURLOPT_HEADERFUNCTION share this signature. */
static inline CURLcode slw_easy_setopt_write_function(CURL *handle, CURLoption option, curl_write_callback callback) {
    return curl_easy_setopt(handle, option, callback);
}

/* CURLOPT_READFUNCTION */
static inline CURLcode slw_easy_setopt_read_function(CURL *handle, CURLoption option, curl_read_callback callback) {
    return curl_easy_setopt(handle, option, callback);
}

/* curl_easy_getinfo */

static inline CURLcode slw_easy_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}

static inline CURLcode slw_easy_getinfo_double(CURL *handle, CURLINFO info, double *value) {
    return curl_easy_getinfo(handle, info, value);
}

static inline CURLcode slw_easy_getinfo_off_t(CURL *handle, CURLINFO info, curl_off_t *value) {
    return curl_easy_getinfo(handle, info, value);
}

static inline CURLcode slw_easy_getinfo_string(CURL *handle, CURLINFO info, char **value) {
    return curl_easy_getinfo(handle, info, value);
}

/* curl_multi_setopt */

static inline CURLMcode slw_multi_setopt_long(CURLM *handle, CURLMoption option, long value) {
    return curl_multi_setopt(handle, option, value);
}

static inline CURLMcode slw_multi_setopt_pointer(CURLM *handle, CURLMoption option, void *value) {
    return curl_multi_setopt(handle, option, value);
}

#endif
