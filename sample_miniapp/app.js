// The sample's App. Each page runs in its own JS context, so each page has its own App
// instance: onLaunch runs in the first page only (see the README).
App({
  globalData: { launchedAt: null },
  onLaunch: function (options) {
    this.globalData.launchedAt = new Date().toISOString();
    console.log('[sample] launched on', options.path);
  }
});
