#ifndef SLAWATCH_CCURL_SHIM_H
#define SLAWATCH_CCURL_SHIM_H
#include <curl/curl.h>
#endif
