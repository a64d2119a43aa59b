// Decode latent vectors in the browser, so that the latent sliders need no server round trip.
// This file is one function expression: ae_demo/ui/app.py calls it once when the page loads,
// with the program from ae_demo/web_decoder.py, and it sets window.aeDemoDecoder.
(program) => {
  const DISPLAY_SCALE = 10; // as render.DISPLAY_SCALE: each pixel shown as a 10×10 square

  const bytes = Uint8Array.from(atob(program.weights), (character) => character.charCodeAt(0));
  const numbers = new Float32Array(bytes.buffer);
  const tensor = (spec) => numbers.subarray(spec.offset, spec.offset + spec.shape.reduce((a, b) => a * b, 1));

  // Each step maps {values, shape} to {values, shape}; shape is [n] or [channels, height, width].
  const steps = program.ops.map((op) => {
    switch (op.op) {
      case "linear": {
        const weight = tensor(op.weight);
        const bias = tensor(op.bias);
        const [outputs, inputs] = op.weight.shape;
        return ({ values }) => {
          const result = new Float32Array(outputs);
          for (let o = 0; o < outputs; o++) {
            let sum = bias[o];
            const row = o * inputs;
            for (let i = 0; i < inputs; i++) sum += weight[row + i] * values[i];
            result[o] = sum;
          }
          return { values: result, shape: [outputs] };
        };
      }
      case "reshape":
        return ({ values }) => ({ values, shape: op.shape });
      case "conv2d":
        return convolution(tensor(op.weight), op.weight.shape, tensor(op.bias), op.stride, op.padding, false);
      case "conv_transpose2d":
        return convolution(tensor(op.weight), op.weight.shape, tensor(op.bias), op.stride, op.padding, true);
      case "channel_affine": {
        const scale = tensor(op.scale);
        const shift = tensor(op.shift);
        return ({ values, shape }) => {
          const area = shape[1] * shape[2];
          const result = new Float32Array(values.length);
          for (let c = 0; c < shape[0]; c++) {
            for (let i = c * area; i < (c + 1) * area; i++) result[i] = values[i] * scale[c] + shift[c];
          }
          return { values: result, shape };
        };
      }
      case "relu":
        return ({ values, shape }) => ({ values: values.map((v) => (v > 0 ? v : 0)), shape });
      case "sigmoid":
        return ({ values, shape }) => ({ values: values.map((v) => 1 / (1 + Math.exp(-v))), shape });
      default:
        throw new Error(`unknown decoder operation ${op.op}`);
    }
  });

  // conv2d weights are (out, in, k, k); conv_transpose2d weights are (in, out, k, k), as in PyTorch.
  function convolution(weight, weightShape, bias, stride, padding, transposed) {
    const [first, second, kernel] = weightShape;
    const [inChannels, outChannels] = transposed ? [first, second] : [second, first];
    const kernelArea = kernel * kernel;
    return ({ values, shape }) => {
      const [, height, width] = shape;
      const outHeight = transposed ? (height - 1) * stride - 2 * padding + kernel : (height + 2 * padding - kernel) / stride + 1;
      const outWidth = transposed ? (width - 1) * stride - 2 * padding + kernel : (width + 2 * padding - kernel) / stride + 1;
      const outArea = outHeight * outWidth;
      const result = new Float32Array(outChannels * outArea);
      for (let o = 0; o < outChannels; o++) result.fill(bias[o], o * outArea, (o + 1) * outArea);
      for (let i = 0; i < inChannels; i++) {
        for (let o = 0; o < outChannels; o++) {
          const kernelStart = (transposed ? i * outChannels + o : o * inChannels + i) * kernelArea;
          for (let ky = 0; ky < kernel; ky++) {
            for (let kx = 0; kx < kernel; kx++) {
              const w = weight[kernelStart + ky * kernel + kx];
              if (transposed) {
                // Input pixel (y, x) adds to output pixel (y·stride − padding + ky, x·stride − padding + kx).
                for (let y = 0; y < height; y++) {
                  const oy = y * stride - padding + ky;
                  if (oy < 0 || oy >= outHeight) continue;
                  for (let x = 0; x < width; x++) {
                    const ox = x * stride - padding + kx;
                    if (ox < 0 || ox >= outWidth) continue;
                    result[o * outArea + oy * outWidth + ox] += w * values[i * height * width + y * width + x];
                  }
                }
              } else {
                // Output pixel (oy, ox) reads input pixel (oy·stride − padding + ky, ox·stride − padding + kx).
                for (let oy = 0; oy < outHeight; oy++) {
                  const y = oy * stride - padding + ky;
                  if (y < 0 || y >= height) continue;
                  for (let ox = 0; ox < outWidth; ox++) {
                    const x = ox * stride - padding + kx;
                    if (x < 0 || x >= width) continue;
                    result[o * outArea + oy * outWidth + ox] += w * values[i * height * width + y * width + x];
                  }
                }
              }
            }
          }
        }
      }
      return { values: result, shape: [outChannels, outHeight, outWidth] };
    };
  }

  // Return the decoded image (height, width) with values in [0, 1].
  function decode(latent) {
    if (latent.length !== program.latent_dim) {
      throw new Error(`expected ${program.latent_dim} latent values, got ${latent.length}`);
    }
    let state = { values: Float32Array.from(latent, Number), shape: [latent.length] };
    for (const step of steps) state = step(state);
    return { values: state.values, height: state.shape[1], width: state.shape[2] };
  }

  // Return a PNG data URL of the image enlarged DISPLAY_SCALE times, gray levels rounded as render.to_uint8 does.
  const canvas = document.createElement("canvas"); // reused by every slider move
  function toDataUrl({ values, height, width }) {
    canvas.width = width * DISPLAY_SCALE;
    canvas.height = height * DISPLAY_SCALE;
    const context = canvas.getContext("2d");
    const image = context.createImageData(canvas.width, canvas.height);
    for (let y = 0; y < canvas.height; y++) {
      for (let x = 0; x < canvas.width; x++) {
        const value = values[Math.floor(y / DISPLAY_SCALE) * width + Math.floor(x / DISPLAY_SCALE)];
        const level = Math.round(Math.min(Math.max(value, 0), 1) * 255);
        const at = (y * canvas.width + x) * 4;
        image.data[at] = image.data[at + 1] = image.data[at + 2] = level;
        image.data[at + 3] = 255;
      }
    }
    context.putImageData(image, 0, 0);
    return canvas.toDataURL("image/png");
  }

  window.aeDemoDecoder = {
    latentDim: program.latent_dim,
    decode,
    toDataUrl,
    // The latent sliders' event: the decoded image for the image output, and "" to clear the clipping note.
    sliderOutputs(latent) {
      const url = toDataUrl(decode(latent));
      return [{ url, mime_type: "image/png", meta: { _type: "gradio.FileData" } }, ""];
    },
  };
}
