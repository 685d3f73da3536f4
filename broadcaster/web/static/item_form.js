// The news item form: show the fields of the kind chosen (text or recording), and record with the
// microphone (MediaRecorder) into the form's file field. Without this script the form still works:
// both parts show, and the recording is sent as a chosen file.
(function () {
  "use strict";
  var form = document.getElementById("item-form");
  if (!form) return;

  function kind() {
    var checked = form.querySelector("input[name=kind]:checked");
    return checked ? checked.value : "text";
  }
  function showKind() {
    var chosen = kind();
    form.querySelectorAll("[data-kind]").forEach(function (part) {
      part.hidden = part.getAttribute("data-kind") !== chosen;
    });
    document.getElementById("item-text").required = chosen === "text";
  }
  form.addEventListener("change", function (event) {
    if (event.target.name === "kind") showKind();
  });
  showKind();

  var box = document.getElementById("recorder");
  var input = document.getElementById("item-audio");
  if (!box || !input || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) return;
  if (typeof MediaRecorder === "undefined" || typeof DataTransfer === "undefined") return;
  var start = document.getElementById("record-start");
  var stop = document.getElementById("record-stop");
  var status = document.getElementById("record-status");
  var player = document.getElementById("record-player");
  var recorder = null;
  box.hidden = false;

  function extension(type) {
    if (type.indexOf("ogg") >= 0) return ".ogg";
    if (type.indexOf("mp4") >= 0 || type.indexOf("aac") >= 0) return ".m4a";
    return ".webm";
  }

  function keep(chunks, type) {
    var blob = new Blob(chunks, { type: type });
    var stamp = new Date().toISOString().slice(0, 19).replace(/[-:T]/g, "");
    var file = new File([blob], "ghi-am-" + stamp + extension(type), { type: type });
    var files = new DataTransfer();
    files.items.add(file);
    input.files = files.files;
    input.dispatchEvent(new Event("change", { bubbles: true }));
    if (player.src) URL.revokeObjectURL(player.src);
    player.src = URL.createObjectURL(blob);
    player.hidden = false;
    status.textContent = box.getAttribute("data-done");
  }

  start.addEventListener("click", function () {
    navigator.mediaDevices.getUserMedia({ audio: true }).then(function (stream) {
      var chunks = [];
      recorder = new MediaRecorder(stream);
      recorder.addEventListener("dataavailable", function (event) {
        if (event.data && event.data.size) chunks.push(event.data);
      });
      recorder.addEventListener("stop", function () {
        stream.getTracks().forEach(function (track) { track.stop(); });
        keep(chunks, recorder.mimeType || "audio/webm");
        start.hidden = false;
        stop.hidden = true;
      });
      recorder.start();
      start.hidden = true;
      stop.hidden = false;
      status.textContent = box.getAttribute("data-recording");
    }, function () {
      status.textContent = box.getAttribute("data-denied");
    });
  });
  stop.addEventListener("click", function () {
    if (recorder && recorder.state !== "inactive") recorder.stop();
  });
})();
