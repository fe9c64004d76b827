/*
 * The mingw build's Node-API imports are delay-loaded (scripts/build-win.sh links a delay
 * import library for "node.exe"); this hook points them at the executable that loaded us,
 * whatever its name: node.exe, bun.exe, deno.exe, electron.exe. A plain import of node.exe
 * would fail to load (or load a second node.exe) under any other host. MSVC builds made by
 * node-gyp get the same hook from node-gyp itself (win_delay_load_hook.cc), so this file is
 * compiled only by build-win.sh.
 */
#include <windows.h>
#include <delayimp.h>
#include <string.h>

static FARPROC WINAPI host_module_hook(unsigned event, PDelayLoadInfo info) {
  if (event == dliNotePreLoadLibrary && _stricmp(info->szDll, "node.exe") == 0)
    return (FARPROC)GetModuleHandleA(NULL);
  return NULL;
}

PfnDliHook __pfnDliNotifyHook2 = host_module_hook;
PfnDliHook __pfnDliFailureHook2 = NULL;
