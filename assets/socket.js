// superapp-shell: wx.connectSocket and its SocketTask, on both page kinds; the socket
// itself lives on the Rust side (src/net/socket.rs). One long call, `__socket`, lasts as
// long as the socket: its progress states are the socket's events, its answer the close.
// - task.send({data: string | ArrayBuffer}), task.close({code, reason}), and the on/off
//   pairs onOpen({header}), onMessage({data}), onError({errMsg}), onClose({code, reason});
// - WeChat's older global socket: wx.onSocketOpen/Message/Error/Close,
//   wx.sendSocketMessage, wx.closeSocket, acting on the last socket opened.
(function () {
  'use strict';
  var sa = window.__superapp, wx = window.wx;
  if (!sa || !wx || window.__superappSockets) return;
  window.__superappSockets = true;
  var nextTask = 1;
  var prefix = 'socket-' + (sa.config.webviewId || 0) + '-';
  var last = null;
  var global = { Open: [], Message: [], Error: [], Close: [] };

  function safely(cb, arg) {
    try { cb(arg); } catch (err) { if (window.__superappReportError) window.__superappReportError(err, false); }
  }

  /** wx.connectSocket({url, header, protocols, timeout}): a SocketTask. */
  wx.connectSocket = function (opts) {
    opts = opts || {};
    var url = String(opts.url || '');
    if (!/^wss?:\/\//.test(url)) {
      sa.fail('connectSocket', opts, 'invalid url "' + url + '"');
      return undefined;
    }
    var task = prefix + nextTask++;
    var listeners = { Open: [], Message: [], Error: [], Close: [] };
    var state = 'connecting';
    function emit(name, arg) {
      listeners[name].slice().forEach(function (cb) { safely(cb, arg); });
      if (last === socket) global[name].slice().forEach(function (cb) { safely(cb, arg); });
    }
    var data = { url: url, task: task, header: opts.header || {}, protocols: opts.protocols || [] };
    if (opts.timeout) data.timeout = opts.timeout;
    sa.invoke('connectSocket', '__socket', data, {
      progress: function (event) {
        if (event.event === 'open') { state = 'open'; emit('Open', { header: event.header, profile: {} }); }
        else if (event.event === 'message') {
          emit('Message', { data: event.binary ? wx.base64ToArrayBuffer(event.data) : event.data });
        } else if (event.event === 'error') emit('Error', { errMsg: event.errMsg });
      },
      success: function (res) { state = 'closed'; emit('Close', { code: res.code, reason: res.reason }); },
      fail: function (res) {
        state = 'closed';
        emit('Error', { errMsg: res.errMsg });
        emit('Close', { code: 1006, reason: res.errMsg });
      }
    });
    function call(api, name, payload, o) {
      o = o || {};
      if (state !== 'open') return sa.fail(name, o, 'the socket is not open');
      payload.task = task;
      return sa.invoke(name, api, payload, o);
    }
    var socket = {
      send: function (o) {
        o = o || {};
        var binary = o.data instanceof ArrayBuffer || ArrayBuffer.isView(o.data);
        var value = binary ? wx.arrayBufferToBase64(o.data instanceof ArrayBuffer ? o.data : o.data.buffer) : String(o.data);
        return call('__socketSend', 'SocketTask.send', { data: value, binary: binary }, o);
      },
      close: function (o) {
        o = o || {};
        var payload = { reason: String(o.reason || '') };
        if (o.code !== undefined) payload.code = Number(o.code);
        return call('__socketClose', 'SocketTask.close', payload, o);
      }
    };
    Object.keys(listeners).forEach(function (name) {
      socket['on' + name] = function (cb) { if (typeof cb === 'function') listeners[name].push(cb); };
      socket['off' + name] = function (cb) {
        listeners[name] = cb ? listeners[name].filter(function (l) { return l !== cb; }) : [];
      };
    });
    Object.defineProperty(socket, 'readyState', {
      get: function () { return { connecting: 0, open: 1, closed: 3 }[state]; }
    });
    last = socket;
    sa.succeed('connectSocket', opts, {});
    return socket;
  };

  Object.keys(global).forEach(function (name) {
    wx['onSocket' + name] = function (cb) { if (typeof cb === 'function') global[name].push(cb); };
    wx['offSocket' + name] = function (cb) {
      global[name] = cb ? global[name].filter(function (l) { return l !== cb; }) : [];
    };
  });
  /** The last socket's send. */
  wx.sendSocketMessage = function (opts) {
    opts = opts || {};
    if (!last) return sa.fail('sendSocketMessage', opts, 'no socket is open');
    return last.send(opts);
  };
  /** The last socket's close. */
  wx.closeSocket = function (opts) {
    opts = opts || {};
    if (!last) return sa.fail('closeSocket', opts, 'no socket is open');
    return last.close(opts);
  };
})();
