#!/usr/bin/python3
"""A small audio classifier that computes its spectrogram in the graph with torch.stft, its
seeded weights, and the input gradient of one logit by PyTorch autograd in float64 (stored as float32): the expected values of
test/audio-stft.test.ts. Debian's torch 1.13 cannot export aten::stft to ONNX (opset 17 included),
so the test builds the same model at opset 17, with an STFT node, from the weights written here.

  waveform [1, 4000] → torch.stft(n_fft=256, hop_length=64, hann window, center=False) →
  power spectrum → log(· + 1e-6) → two convolutions → logits [1, 4]

The gradient is taken in float64 on the same float32 weights and input; torch's own float32
gradient's deviation from it is written to references.json for scale.

Run with Debian's PyTorch:  /usr/bin/python3 packages/onnx/scripts/audio_stft_reference.py
Writes packages/onnx/test/fixtures/audio-stft/: waveform.npy, gradient.npy and references.json
(target, torch's logits, the weights as flat row-major lists with their shapes).
"""
import json
import os

import numpy as np
import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, '..', 'test', 'fixtures', 'audio-stft')
SEED = 5
TARGET = 2


class AudioClassifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.register_buffer('window', torch.hann_window(256))
        self.conv1 = nn.Conv2d(1, 4, 5, stride=2)
        self.conv2 = nn.Conv2d(4, 8, 3, stride=2)
        self.fc = nn.Linear(8, 4)

    def forward(self, waveform):
        spec = torch.stft(waveform, n_fft=256, hop_length=64, window=self.window, return_complex=False, center=False)
        power = spec.pow(2).sum(-1)
        features = torch.log(power + 1e-6).unsqueeze(1)
        h = torch.relu(self.conv1(features))
        h = torch.relu(self.conv2(h))
        return self.fc(h.mean(dim=(2, 3)))


def main():
    torch.manual_seed(SEED)
    model = AudioClassifier().eval()
    t = torch.arange(4000, dtype=torch.float32) / 8000
    waveform = (0.5 * torch.sin(2 * np.pi * 440 * t) + 0.3 * torch.sin(2 * np.pi * 1250 * t) + 0.05 * torch.randn(4000)).unsqueeze(0)
    os.makedirs(OUT, exist_ok=True)

    def gradient(dtype):
        m = AudioClassifier().eval()
        m.load_state_dict(model.state_dict())
        m = m.to(dtype)
        x = waveform.to(dtype).clone().requires_grad_(True)
        logits = m(x)
        logits[0, TARGET].backward()
        return x.grad.numpy(), logits.detach().numpy()

    expected, logits = gradient(torch.float64)
    single, _ = gradient(torch.float32)
    np.save(os.path.join(OUT, 'waveform.npy'), waveform.numpy().astype(np.float32))
    np.save(os.path.join(OUT, 'gradient.npy'), expected.astype(np.float32))
    scale = float(np.abs(expected).max())
    references = {
        'target': TARGET,
        'logits': logits[0].tolist(),
        'weights': {name: {'dims': list(value.shape), 'values': value.flatten().tolist()} for name, value in model.state_dict().items()},
        'torchFloat32Deviation': float(np.abs(single - expected).max() / scale),
        'maxAbsGradient': scale,
    }
    with open(os.path.join(OUT, 'references.json'), 'w') as f:
        json.dump(references, f, indent=1)
        f.write('\n')
    print(json.dumps(references))


if __name__ == '__main__':
    main()
