// Shared script of the runtime test pages: records every lifecycle hook with the
// __lifecycle handler (a sync call, so records arrive in the order hooks ran), and runs the steps the Rust test hands out one by one.
(function () {
  function record(hook, arg) {
    wx.invokeNativePlugin({ sync: true, api_name: '__lifecycle', data: {
      hook: hook, route: page.route, id: window.__SUPERAPP_CONFIG__.webviewId, arg: arg === undefined ? null : arg
    } });
  }
  // Asks the test for the next step; performs it; reports the result; and asks again
  // unless the step navigated away (then the page shown next asks).
  function next() {
    wx.invokeNativePlugin({ api_name: '__next', data: { route: page.route } }).then(function (res) {
      var step = res.step;
      if (!step) {
        wx.exitMiniProgram();
        return;
      }
      var finish = function (result) {
        result.pages = getCurrentPages();
        result.step = step;
        wx.invokeNativePlugin({ api_name: '__result', data: result }).then(function () {
          if (!(step.navigates && result.ok)) next();
        });
      };
      if (step.eval) {
        var value;
        try { value = (0, eval)(step.eval); } catch (e) { value = 'threw ' + e.message; }
        Promise.resolve(value).then(function (v) { finish({ ok: true, value: v }); },
          function (e) { finish({ ok: false, value: e }); });
        return;
      }
      var opts = Object.assign({}, step.args || {});
      wx[step.api](opts).then(function (r) { finish({ ok: true, res: r }); },
        function (r) { finish({ ok: false, res: r }); });
    });
  }
  // A page acts only once it has rendered (onReady), so every page the test visits gets
  // its onReady before it navigates away, whatever the machine's load.
  var markReady;
  var rendered = new Promise(function (resolve) { markReady = resolve; });
  var page = {
    onLoad: function (query) { record('onLoad', query); },
    onShow: function () { record('onShow'); rendered.then(next); },
    onReady: function () { record('onReady'); markReady(); },
    onHide: function () { record('onHide'); },
    onUnload: function () { record('onUnload'); }
  };
  page.route = window.__SUPERAPP_CONFIG__.route;
  Page(page);
})();
