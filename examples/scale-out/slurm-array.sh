#!/bin/bash
# A Slurm job array: task k of 0-15 runs shard k+1 of 16 of the manifest.
#
#   sbatch examples/scale-out/slurm-array.sh
#   ig batch merge results --inputs data/manifest.jsonl       # when every task has ended
#
# ig reads SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT, and SLURM_ARRAY_TASK_MIN/STEP for
# arrays that do not start at 0 or step by more than 1 (--array=1-16, --array=0-150:10). A list
# with gaps (--array=1,4,9) is refused: resubmit the missing tasks of a range instead. A "%4"
# limit on tasks running at once is fine.
#SBATCH --job-name=ig-batch
#SBATCH --array=0-15%8
#SBATCH --cpus-per-task=2
#SBATCH --mem=4G
#SBATCH --time=04:00:00
#SBATCH --output=logs/ig-batch-%A_%a.out
set -euo pipefail

# `ig` installed on the nodes (npm install -g @ig/cli with ONNXRUNTIME_NODE_INSTALL=skip), or the
# container image: IG="apptainer exec --bind $PWD ig-batch.sif ig"
IG=${IG:-ig}

$IG batch \
  --model data/model.onnx \
  --inputs data/manifest.jsonl \
  --out-dir results \
  --shard auto \
  --normalize imagenet \
  --steps 64 \
  --quiet
