# ShopTalk as an AWS Lambda container image (template.yaml builds it with `sam build`).
# torch, the bundled models and llama.cpp exceed Lambda's 250 MB zip limit, so the function
# ships as an image (limit 10 GB).
#
# Build arguments:
#   TORCH_INDEX_URL  the PyTorch wheel index pip also reads, so torch resolves to its CPU
#                    build (about 200 MB instead of several GB of CUDA libraries) by
#                    default; empty = torch from PyPI only (the CUDA build on x86_64).

# --- build stage: compile llama-cpp-python (no binary wheel on PyPI), install everything and
# make the model copies llama.cpp runs, so no cold start re-quantizes into /tmp.
FROM public.ecr.aws/lambda/python:3.12 AS build
RUN dnf install -y gcc gcc-c++ make && dnf clean all && rm -rf /var/cache/dnf
# Portable CPU code (the build host's CPU is not Lambda's) and no OpenMP runtime to ship.
ENV CC=gcc \
    CXX=g++ \
    CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_OPENMP=OFF" \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
ARG TORCH_INDEX_URL="https://download.pytorch.org/whl/cpu"
COPY requirements.txt /tmp/requirements.txt
RUN pip install --upgrade pip \
 && pip install --target /opt/deps ${TORCH_INDEX_URL:+--extra-index-url "$TORCH_INDEX_URL"} \
        -r /tmp/requirements.txt
# The Q8_0 run copy and the BF16 prompt copy of the bundled SmolLM2 (both: the build host's
# CPU does not tell whether Lambda's has native bf16). The template points
# SHOPTALK_MODEL_CACHE_DIR here; a file that exists is used as is, never rewritten.
COPY dialogue /tmp/src/dialogue
RUN cd /tmp/src && PYTHONPATH=/opt/deps:/tmp/src python -c "\
from pathlib import Path; \
from dialogue.generation.models import DEFAULT_MODEL as model; \
from dialogue.generation.requantize import requantized_copy; \
cache = Path('/opt/shoptalk/models'); source = model.gguf_path(cache); \
[requantized_copy(source, cache, kind) for kind in (model.run_as, model.prefill_as) if kind]" \
 && ls -l /opt/shoptalk/models

# --- runtime stage: the Lambda Python base image, dependencies and the four packages.
FROM public.ecr.aws/lambda/python:3.12
COPY --from=build /opt/deps ${LAMBDA_TASK_ROOT}
COPY --from=build /opt/shoptalk/models /opt/shoptalk/models
COPY knowledge ${LAMBDA_TASK_ROOT}/knowledge
COPY dialogue ${LAMBDA_TASK_ROOT}/dialogue
COPY skill ${LAMBDA_TASK_ROOT}/skill
COPY interaction_models ${LAMBDA_TASK_ROOT}/interaction_models
# Nothing may be downloaded from a model hub at run time: the weights come with the
# registry packages installed above.
ENV HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    SHOPTALK_MODEL_CACHE_DIR=/opt/shoptalk/models
CMD ["skill.lambda_function.lambda_handler"]
