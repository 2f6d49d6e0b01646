// The runtime demo: navigation with a query, storage that survives a restart, toast,
// loading and modal, system information, and this page's lifecycle.
// `previous` is the Date stored by the run before this one, if any.
function showVisits(previous) {
  var visits = wx.getStorageSync('visits') || 0;
  document.getElementById('visits').textContent = 'Opened ' + visits + ' time(s)' +
    (previous instanceof Date ? '; last time: ' + previous.toISOString() : '');
}

var page = lifecycleLogger('runtime', {
  // The page's data, drawn by render() after every setData (and for automated tests:
  // page.data(), page.setData(), page.callMethod('likes')).
  data: { likes: 0 },
  render: function (data) {
    document.getElementById('likes').textContent = data.likes + ' like(s)';
  },
  like: function () {
    this.setData({ likes: this.data.likes + 1 });
    return this.data.likes;
  },
  onLoad: function () {
    var previous = wx.getStorageSync('lastOpened');
    wx.setStorageSync('visits', (wx.getStorageSync('visits') || 0) + 1);
    wx.setStorageSync('lastOpened', new Date());
    showVisits(previous);
    document.getElementById('system').textContent = JSON.stringify(wx.getWindowInfo());
  }
});

document.getElementById('like').onclick = function () {
  page.like();
};

document.getElementById('open-detail').onclick = function () {
  wx.navigateTo({ url: '/pages/detail/detail?id=42&from=runtime' });
};
document.getElementById('relaunch').onclick = function () {
  wx.reLaunch({ url: '/pages/index/index' });
};
document.getElementById('reset').onclick = function () {
  wx.clearStorage().then(function () { showVisits(); });
};
document.getElementById('toast').onclick = function () {
  wx.showToast({ title: 'Saved', icon: 'success' });
};
document.getElementById('loading').onclick = function () {
  wx.showLoading({ title: 'Loading' });
  setTimeout(function () { wx.hideLoading(); }, 1000);
};
document.getElementById('modal').onclick = function () {
  wx.showModal({ title: 'Delete the item?', content: 'This cannot be undone.', confirmText: 'Delete' })
    .then(function (res) {
      document.getElementById('modal-out').textContent = JSON.stringify(res);
    });
};
