// The supervisor view reloads itself every 10 seconds.
setTimeout(function () { location.reload(); }, 10000);
