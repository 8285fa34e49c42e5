// Preloaded by cdktf.json's `app` after tsx: turns Node's source-map support off again for the synth.
//
// tsx turns it on so that stack traces point into the .ts files. But cdktf records a stack trace for
// every token it creates (thousands in one synth), and with source maps on Node decodes the inline source
// maps of cdktf and of every provider class loaded (several MB of base64) to map each frame. Measured
// here, that was about 0.4 s of the example's ~1.2 s app run. Prop errors name the construct and the prop
// either way; run with CDKTF_APP_SOURCE_MAPS=1 to get stack traces mapped to the .ts lines while debugging.
if (process.env.CDKTF_APP_SOURCE_MAPS !== '1') process.setSourceMapsEnabled(false);
