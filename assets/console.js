// superapp-shell console capture: injected into every webview right after the bridge.
//
// The one place that sees what a page's JS says and throws: console.* calls go to the shell
// as {type: 'console', level, args}; uncaught errors, unhandled rejections, scripts that
// fail to parse, and throws from hooks and callbacks (reported by the bridge and the WXML
// runtime through __superappReportError) go as {type: 'exception', message, stack, source,
// line, column, failedLoad}. The shell logs them in the terminal and hands them to the
// automator (src/core/console.rs). In a WXML logic context each carries the page whose code
// was running.
//
// __superappShowError(text) shows a page that failed to load why, instead of a blank page.
(function () {
  'use strict';
  var sa = window.__superapp;
  if (!sa || window.__superappReportError) return;

  function plain(value) {
    if (value === undefined) return null;
    if (value instanceof Error) return describe(value);
    try {
      return JSON.parse(JSON.stringify(value));
    } catch (err) {
      return String(value);
    }
  }

  // An Error as one text: its name and message, then its frames.
  function describe(err) {
    var head = String(err.name || 'Error') + ': ' + String(err.message);
    return err.stack ? head + '\n' + String(err.stack) : head;
  }

  function post(message, page) {
    message.page = page !== undefined ? page : window.__superappActivePage;
    try {
      sa.post(message);
    } catch (err) {
      // reporting must never throw
    }
  }

  ['log', 'info', 'warn', 'error', 'debug'].forEach(function (level) {
    var original = console[level];
    console[level] = function () {
      post({ type: 'console', level: level, args: Array.prototype.map.call(arguments, plain) });
      return original.apply(console, arguments);
    };
  });

  function report(error, source, line, column, failedLoad, page) {
    var message, stack = '';
    if (error instanceof Error) {
      message = String(error.name || 'Error') + ': ' + String(error.message);
      stack = String(error.stack || '');
      if (line === undefined) {
        line = error.line;
        column = error.column;
        source = error.sourceURL;
      }
    } else if (error && typeof error === 'object') {
      message = error.errMsg !== undefined ? String(error.errMsg) : JSON.stringify(plain(error));
    } else {
      message = String(error);
    }
    post({
      type: 'exception', message: message, stack: stack, source: source || '', line: line || 0,
      column: column || 0, failedLoad: !!failedLoad
    }, page);
    if (failedLoad && !window.__wxmlLogic) {
      showError(message + (source ? ' (' + String(source).replace('superapp://app/', '') + ':' + line + ')' : ''));
    }
  }

  /** Reports an error caught by the shell's own code (a hook or callback that threw). */
  window.__superappReportError = function (error, failedLoad) {
    var page = window.__superappThrownBy ? window.__superappThrownBy(error) : undefined;
    report(error, undefined, undefined, undefined, failedLoad, page);
  };

  var loading = true;
  /** The page has run onLoad: later errors no longer stop it from loading. */
  window.__superappLoaded = function () { loading = false; };

  window.addEventListener('error', function (e) {
    // (a resource that failed to load, an <img>, is not a script error)
    if (e.target && e.target !== window) return;
    // A WXML logic context's modules.js that did not parse: its modules load one by one
    // instead (its start.js), and the file at fault reports its own error.
    if (/\/__superapp\/wxml\/modules\.js$/.test(e.filename || '') && !window.__wxmlModulesLoaded) return;
    // Until an HTML page has run onLoad, an error stops it from loading; the WXML layers
    // report their pages' load failures themselves.
    var failedLoad = loading && sa.config.html === true;
    var error = e.error !== undefined && e.error !== null ? e.error : e.message;
    // In a WXML logic context: the page whose code threw it (a timer's, a callback's),
    // not the page on top when the event fires (page_context.js).
    var page = window.__superappThrownBy ? window.__superappThrownBy(e.error) : undefined;
    // (rethrown by page_context.js's run: the event's place is the rethrow, the error's
    // own is where it was raised)
    if (page !== undefined && e.error instanceof Error) report(error, undefined, undefined, undefined, failedLoad, page);
    else report(error, e.filename, e.lineno, e.colno, failedLoad, page);
  }, true);
  window.addEventListener('unhandledrejection', function (e) {
    // A wx call's Promise rejected and left unhandled names the page that made the call.
    var page = e.reason && typeof e.reason === 'object' ? e.reason.__superappPage : undefined;
    report(e.reason, undefined, undefined, undefined, false, page);
  });

  var box = null;
  /** Shows why the page failed to load, over what it rendered. */
  function showError(text) {
    var show = function () {
      if (!box) {
        box = document.createElement('div');
        box.id = '__superapp-error';
        box.setAttribute('role', 'alert');
        box.style.cssText = 'position:fixed;left:0;right:0;top:0;z-index:2147483647;margin:0;padding:12px 14px;' +
          'background:#fff0f0;color:#a40000;border-bottom:2px solid #e64340;font:13px/1.5 monospace;' +
          'white-space:pre-wrap;word-break:break-word';
        (document.body || document.documentElement).appendChild(box);
      }
      box.textContent = (box.textContent ? box.textContent + '\n' : 'This page failed to load:\n') + text;
    };
    if (document.body) show();
    else document.addEventListener('DOMContentLoaded', show);
  }
  window.__superappShowError = showError;
  sa.on('pageError', function (m) { showError(m.message); });
})();
