/*
 * err.h - error codes, from errcode.def. Functions return 0 or ERR_*.
 */
#pragma once

enum err {
	ERR_OK = 0,
#define ERRCODE(name, code, text)	ERR_##name = code,
#include <abi/errcode.def>
#undef ERRCODE
	ERR_MAX
};
