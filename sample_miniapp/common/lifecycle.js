// Shows every lifecycle hook a page receives in its #lifecycle list.
function lifecycleLogger(name, extra) {
  function log(hook, arg) {
    var list = document.getElementById('lifecycle');
    var item = document.createElement('li');
    item.textContent = new Date().toLocaleTimeString() + '  ' + hook + (arg ? ' ' + JSON.stringify(arg) : '');
    if (list) list.appendChild(item);
  }
  var page = {
    onLoad: function (query) { log('onLoad', query); if (extra && extra.onLoad) extra.onLoad(query); },
    onShow: function () { log('onShow'); if (extra && extra.onShow) extra.onShow(); },
    onReady: function () { log('onReady'); },
    onHide: function () { log('onHide'); },
    onUnload: function () { log('onUnload'); }
  };
  // Page data, setData and methods, as in WeChat (render(data) draws the data).
  Object.keys(extra || {}).forEach(function (key) {
    if (!(key in page)) page[key] = extra[key];
  });
  Page(page);
  return page;
}
