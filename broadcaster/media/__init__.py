"""Low-level audio that speech/, sound/, recordings/ and relay/ stand on: ffmpeg, PCM and WAV, files, mastering."""
