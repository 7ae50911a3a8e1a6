# ShopTalk as an AWS Lambda container image (template.yaml builds it with `sam build`).
# torch, the bundled models and llama.cpp exceed Lambda's 250 MB zip limit, so the function
# ships as an image (limit 10 GB).
#
# Build arguments:
#   TORCH_INDEX_URL  the PyTorch CPU wheel index, passed to pip as an extra index so torch
#                    resolves to the CPU build (much smaller); empty = torch from PyPI.

# --- build stage: compile llama-cpp-python (no binary wheel on PyPI) and install everything.
FROM public.ecr.aws/lambda/python:3.11 AS build
RUN yum install -y gcc10 gcc10-c++ make && yum clean all && rm -rf /var/cache/yum
# Portable CPU code (the build host's CPU is not Lambda's) and no OpenMP runtime to ship.
ENV CC=gcc10-gcc \
    CXX=gcc10-g++ \
    CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_OPENMP=OFF" \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
ARG TORCH_INDEX_URL=""
COPY requirements.txt /tmp/requirements.txt
RUN pip install --upgrade pip \
 && pip install --target /opt/deps ${TORCH_INDEX_URL:+--extra-index-url "$TORCH_INDEX_URL"} \
        -r /tmp/requirements.txt

# --- runtime stage: the Lambda Python base image, dependencies and the four packages.
FROM public.ecr.aws/lambda/python:3.11
COPY --from=build /opt/deps ${LAMBDA_TASK_ROOT}
COPY knowledge ${LAMBDA_TASK_ROOT}/knowledge
COPY dialogue ${LAMBDA_TASK_ROOT}/dialogue
COPY skill ${LAMBDA_TASK_ROOT}/skill
COPY interaction_models ${LAMBDA_TASK_ROOT}/interaction_models
# Nothing may be downloaded from a model hub at run time: the weights come with the
# registry packages installed above.
ENV HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1 \
    PYTHONDONTWRITEBYTECODE=1
CMD ["skill.lambda_function.lambda_handler"]
