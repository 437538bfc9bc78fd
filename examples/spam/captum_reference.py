"""Captum 0.7 LayerIntegratedGradients on the spam classifier's embedding, the reference the
@ig/onnx text tests match (packages/onnx/test/fixtures/text/spam-lig.json).

    git -C <captum repo> archive refs/tags/v0.7.0 captum | tar -x -C /tmp/captum-0.7.0
    PYTHONPATH=/tmp/captum-0.7.0 /usr/bin/python3 examples/spam/captum_reference.py

Two held-out messages from model/samples.json, padded to 128 tokens (attention mask 0 on the
padding), a baseline of the pad id at every position, targets 0 (ham) and 1 (spam), 50
Gauss-Legendre steps.
"""
import json
import os
import sys
import types

import torch

# captum.attr imports matplotlib for its LLM plots only; Debian's python3 here has none.
if 'matplotlib' not in sys.modules:
    stubs = {name: types.ModuleType(name) for name in (
        'matplotlib', 'matplotlib.pyplot', 'matplotlib.cm', 'matplotlib.colors', 'matplotlib.axis',
        'matplotlib.collections', 'matplotlib.figure', 'mpl_toolkits', 'mpl_toolkits.axes_grid1')}
    for module in stubs.values():
        module.__getattr__ = lambda name: object  # any plotting name resolves; none is called
    sys.modules.update(stubs)
import captum  # noqa: E402
from captum.attr import LayerIntegratedGradients  # noqa: E402

from train import MAX_LENGTH, SpamConv  # noqa: E402
from wordpiece import WordPiece  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, '..', '..', 'packages', 'onnx', 'test', 'fixtures', 'text', 'spam-lig.json')
STEPS = 50


def main():
    torch.set_num_threads(1)
    with open(os.path.join(HERE, 'model', 'tokenizer.json')) as f:
        tokenizer = WordPiece(json.load(f)['model']['vocab'])
    with open(os.path.join(HERE, 'model', 'samples.json')) as f:
        samples = json.load(f)
    texts = [samples[0]['text'], samples[-1]['text']]
    model = SpamConv(len(tokenizer.vocab))
    model.load_state_dict(torch.load(os.path.join(HERE, 'model', 'spam.pt')))
    model.eval()
    ids = torch.zeros((len(texts), MAX_LENGTH), dtype=torch.int64)
    mask = torch.zeros((len(texts), MAX_LENGTH), dtype=torch.int64)
    for i, text in enumerate(texts):
        row = tokenizer.encode(text)[:MAX_LENGTH]
        ids[i, :len(row)] = torch.tensor(row)
        mask[i, :len(row)] = 1
    baseline = torch.zeros_like(ids)
    lig = LayerIntegratedGradients(model, model.embedding)
    cases = []
    for target in (0, 1):
        attributions, delta = lig.attribute(ids, baselines=baseline, target=target, additional_forward_args=(mask,),
                                            n_steps=STEPS, method='gausslegendre', return_convergence_delta=True)
        with torch.no_grad():
            f_input = model(ids, mask)[:, target]
            f_baseline = model(baseline, mask)[:, target]
        for i in range(len(texts)):
            cases.append({
                'example': i, 'target': target,
                'attributions': [float(f'{v:.8g}') for v in attributions[i].flatten().tolist()],
                'delta': float(delta[i]), 'fInput': float(f_input[i]), 'fBaseline': float(f_baseline[i]),
            })
    reference = {
        'captum': captum.__version__, 'torch': torch.__version__, 'steps': STEPS, 'method': 'gausslegendre',
        'layer': '/embedding/Gather_output_0', 'shape': [1, MAX_LENGTH, model.embedding.embedding_dim],
        'texts': texts, 'inputIds': ids.tolist(), 'attentionMask': mask.tolist(), 'baselineId': 0, 'cases': cases,
    }
    with open(OUT, 'w') as f:
        json.dump(reference, f)
    print(f'wrote {OUT}: {len(cases)} cases, captum {captum.__version__}')


if __name__ == '__main__':
    main()
