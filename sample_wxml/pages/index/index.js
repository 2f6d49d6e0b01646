const format = require('../../utils/format.js');

Page({
  data: {
    greeting: 'Hello from WXML',
    taps: 0,
    name: '',
    nativeResult: '',
    host: '',
    fruits: [
      { name: 'Apple', price: format.price(350), picked: false },
      { name: 'Banana', price: format.price(120), picked: false },
      { name: 'Cherry', price: format.price(990), picked: false }
    ]
  },

  // Page JS calls a Rust handler as an HTML page does (here the sample's getHostInfo).
  onLoad() {
    wx.invokeNativePlugin({
      api_name: 'getHostInfo',
      success: (res) => this.setData({ host: 'Shown by ' + res.host + ' ' + res.version + ' on ' + res.os + '.' })
    });
  },

  // A tap on a fruit: the dataset says which; setData with a path key re-renders it.
  pick(event) {
    const index = event.currentTarget.dataset.index;
    const app = getApp();
    app.globalData.taps++;
    this.setData({
      ['fruits[' + index + '].picked']: !this.data.fruits[index].picked,
      taps: app.globalData.taps
    });
  },

  typed(event) {
    this.setData({ name: event.detail.value });
  },

  // The same registry as HTML pages: the handler sees this page's webViewId.
  callNative() {
    wx.invokeNativePlugin({
      api_name: 'myApiName',
      data: { from: 'wxml' },
      success: (res) => this.setData({ nativeResult: res.method + ': ' + res.errMsg }),
      fail: (err) => this.setData({ nativeResult: err.errMsg })
    });
  }
});
