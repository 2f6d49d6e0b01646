// The sample page: each demo calls a native API and shows what came back.
// window.sampleResults keeps the last result of each demo, for tests and QA.
window.sampleResults = {};

function show(id, outcome, value) {
  var card = document.getElementById(id);
  card.className = 'card ' + outcome;
  card.querySelector('.out').textContent = JSON.stringify(value);
  window.sampleResults[id] = { outcome: outcome, value: value };
}

var demos = {
  // The seed example, exactly as in the TCSAS documentation.
  seed: function () {
    wx.invokeNativePlugin({
      api_name: 'myApiName',
      data: { name: 'kka', age: 22 },
      success: function (res) { show('seed', 'ok', res); },
      fail: function (err) { show('seed', 'fail', err); }
    });
  },

  // Progress states arrive live, before the final answer.
  progress: function () {
    var states = [];
    var bar = document.querySelector('#progress progress');
    bar.value = 0;
    wx.invokeNativePlugin({
      api_name: 'simulateDownload',
      data: { bytes: 5000 },
      progress: function (state) {
        states.push(state.percent);
        bar.value = state.percent;
        show('progress', '', { states: states });
      },
      success: function (res) { show('progress', 'ok', { states: states, res: res }); },
      fail: function (err) { show('progress', 'fail', err); }
    });
  },

  // sync: true returns the answer directly (or throws). app.json's extApi also makes it
  // callable as wx.getHostInfo().
  sync: function () {
    try {
      var res = wx.invokeNativePlugin({ api_name: 'getHostInfo', sync: true });
      res.viaExtApi = wx.getHostInfo().host;
      show('sync', 'ok', res);
    } catch (err) {
      show('sync', 'fail', { message: err.message });
    }
  },

  // A handler error reaches fail, with its extra fields; the Promise form rejects.
  failing: function () {
    wx.invokeNativePlugin({ api_name: 'payWithCard', data: { amount: 42 } })
      .then(function (res) { show('failing', 'ok', res); })
      .catch(function (err) { show('failing', 'fail', err); });
  },

  // An unregistered name is an answer too: fail, never silence.
  unregistered: function () {
    wx.invokeNativePlugin({
      api_name: 'notRegisteredApi',
      complete: function (res) { show('unregistered', res.errMsg.indexOf(':ok') > 0 ? 'ok' : 'fail', res); }
    });
  },

  // The host pushes an event after answering.
  event: function () {
    wx.invokeNativePlugin({ api_name: 'requestHostEvent', data: { text: 'hello from the host' } });
  }
};

wx.onNativePluginEvent('hostGreeting', function (data) {
  show('event', 'ok', { event: 'hostGreeting', data: data });
});
wx.onGeneralNativeEvent(function (payload) {
  console.log('[sample] host event', payload.event, JSON.stringify(payload.data));
});

function runAll() {
  Object.keys(demos).forEach(function (name) { demos[name](); });
}

document.addEventListener('click', function (event) {
  var demo = event.target.getAttribute('data-demo');
  if (demo) demos[demo]();
});
document.getElementById('run-all').addEventListener('click', runAll);
document.getElementById('exit').addEventListener('click', function () { wx.exitMiniProgram(); });
document.getElementById('runtime').addEventListener('click', function () {
  wx.switchTab({ url: '/pages/runtime/runtime' });
});
runAll();
