# lmgsweep. `make run` and `make check` install missing Debian packages (make deps), build and run; `make all` only
# builds. On a cluster (PETSc/SLEPc from modules or Spack, no root): make all PETSC_DIR=... [PETSC_ARCH=...] SLEPC_DIR=...
SHELL := /bin/bash
NP    ?= $(shell nproc)

# PETSc and SLEPc with complex scalars: Debian's (the default), or PETSC_DIR/PETSC_ARCH and SLEPC_DIR.
ifdef PETSC_DIR
  PETSC_PC := $(PETSC_DIR)/$(PETSC_ARCH)/lib/pkgconfig
  SLEPC_PC := $(if $(SLEPC_DIR),$(SLEPC_DIR)/$(PETSC_ARCH)/lib/pkgconfig,)
  PETSC_VARS := $(PETSC_DIR)/$(PETSC_ARCH)/lib/petsc/conf/petscvariables
else
  PETSC_PC := /usr/lib/petscdir/petsc3.18/x86_64-linux-gnu-complex/lib/pkgconfig
  SLEPC_PC := /usr/lib/slepcdir/slepc3.18/x86_64-linux-gnu-complex/lib/pkgconfig
  PETSC_VARS := /usr/lib/petscdir/petsc3.18/x86_64-linux-gnu-complex/lib/petsc/conf/petscvariables
endif
PKGCFG := PKG_CONFIG_PATH=$(SLEPC_PC):$(PETSC_PC)$(if $(PKG_CONFIG_PATH),:$(PKG_CONFIG_PATH)) pkg-config
# HDF5 with MPI: Debian's hdf5-openmpi, else a pkg-config `hdf5`, else HDF5_DIR (HDF5_CFLAGS/HDF5_LIBS override all).
HDF5_PKG    := $(shell $(PKGCFG) --exists hdf5-openmpi 2>/dev/null && echo hdf5-openmpi || ($(PKGCFG) --exists hdf5 2>/dev/null && echo hdf5))
HDF5_CFLAGS ?= $(if $(HDF5_PKG),$(shell $(PKGCFG) --cflags $(HDF5_PKG)),$(if $(HDF5_DIR),-I$(HDF5_DIR)/include))
HDF5_LIBS   ?= $(if $(HDF5_PKG),$(shell $(PKGCFG) --libs $(HDF5_PKG)),$(if $(HDF5_DIR),-L$(HDF5_DIR)/lib -Wl$(comma)-rpath$(comma)$(HDF5_DIR)/lib) -lhdf5) -lhdf5_hl
MPFR_LIBS   ?= $(shell $(PKGCFG) --libs mpfr 2>/dev/null || echo -lmpfr)
LAPACK_LIBS ?= $(or $(shell sed -n 's/^BLASLAPACK_LIB *= *//p' $(PETSC_VARS) 2>/dev/null),-llapack -lblas)
comma := ,
PETSC_CFLAGS := $(shell $(PKGCFG) --cflags slepc petsc 2>/dev/null)
PETSC_LIBS   := $(shell $(PKGCFG) --libs slepc petsc 2>/dev/null)

ifeq ($(origin CC),default)
  CC := mpicc
endif
CFLAGS  := -std=c11 -O2 -g -Wall -Wextra -Werror -D_GNU_SOURCE -Iinclude $(PETSC_CFLAGS) $(HDF5_CFLAGS)
LDLIBS  := $(PETSC_LIBS) $(HDF5_LIBS) $(MPFR_LIBS) $(LAPACK_LIBS) -lquadmath -lm
LAUNCH_CC ?= cc
GIT_COMMIT := $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)

# What `make deps` installs on Debian 12 (only the missing ones). slurm-wlm and munge: the local Slurm of tests/slurm;
# Slurm's mpi/pmix plugin dlopens the unversioned libpmix.so, which only libpmix-dev ships.
DEB_PKGS := openmpi-bin libopenmpi-dev libpetsc-complex3.18-dev libslepc-complex3.18-dev libhdf5-openmpi-dev \
            libscalapack-openmpi-dev libmpfr-dev libopenblas0-serial pkg-config python3-h5py python3-numpy python3-scipy \
            python3-matplotlib python3-pytest python3-qutip python3-xarray python3-h5netcdf python3-netcdf4 netcdf-bin \
            slurm-wlm munge libpmix-dev
DEPS_STAMP := bin/.deps

# Sources by folder, one folder per layer (README "Layout"): every .c of src/<layer>/ is part of the library except the
# engine's two programs.
LAYERS   := base spectrum kernels dynamics observables kinds store engine
LIB_SRC  := $(filter-out src/engine/main.c src/engine/launcher.c,$(foreach l,$(LAYERS),$(wildcard src/$(l)/*.c)))
LIB_OBJ  := $(LIB_SRC:src/%.c=build/%.o)
UNIT     := $(patsubst tests/unit/%.c,bin/%,$(wildcard tests/unit/test_*.c))
BENCH    := bin/lmgbench bin/lmgdyn bin/lmgmfn bin/lmgrates bin/lmglz
HDRS     := $(wildcard include/lmg/*.h)

.PHONY: all deps run check bench clean toolchain
all: toolchain bin/lmgsweep $(UNIT)

# Install missing Debian packages (idempotent, non-interactive; needs root or sudo); checked again when DEB_PKGS changes.
deps: $(DEPS_STAMP)
$(DEPS_STAMP): Makefile
	@missing=$$(for p in $(DEB_PKGS); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:" $$missing; \
	  SUDO=$$( [ $$(id -u) = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q --no-install-recommends $$missing; \
	fi
	@mkdir -p bin && touch $@

# One clear line when PETSc/SLEPc are not where the build looks (before any compiler error).
toolchain:
	@{ [ -e $(PETSC_PC)/petsc.pc ] || [ -e $(PETSC_PC)/PETSc.pc ]; } && [ -n "$(PETSC_CFLAGS)" ] || { echo "lmgsweep: PETSc/SLEPc (complex) not found by pkg-config in $(PETSC_PC) $(SLEPC_PC): on Debian run 'make deps', on a cluster give PETSC_DIR=... [PETSC_ARCH=...] SLEPC_DIR=..."; exit 2; }
	@command -v $(firstword $(CC)) >/dev/null || { echo "lmgsweep: the MPI compiler wrapper '$(CC)' is not on PATH (module load an MPI, or CC=...)"; exit 2; }

build/%.o: src/%.c $(HDRS) | toolchain
	@mkdir -p $(@D)
	@echo "  CC $<"; $(CC) $(CFLAGS) -DLMG_GIT_COMMIT='"$(GIT_COMMIT)"' -c $< -o $@

# The kernels of the dissipator vectorise at -O3 with plain complex products (x86-64-v3 clones chosen at run time).
build/kernels/band.o: CFLAGS += -O3 -fcx-limited-range

bin/lmgsweep-engine: build/engine/main.o $(LIB_OBJ)
	@mkdir -p bin
	@echo "  LD $@"; $(CC) -o $@ $^ $(LDLIBS)

# The command users run: blocks the drain signals during the engine's start-up, then executes it (static: ~1 ms).
bin/lmgsweep: src/engine/launcher.c bin/lmgsweep-engine
	@echo "  LD $@"; $(LAUNCH_CC) -std=c11 -O2 -Wall -Wextra -Werror -D_GNU_SOURCE -static -o $@ $< 2>/dev/null || $(LAUNCH_CC) -std=c11 -O2 -Wall -Wextra -Werror -D_GNU_SOURCE -o $@ $<

bin/test_%: tests/unit/test_%.c tests/unit/lmgtest.h $(LIB_OBJ) $(HDRS) | toolchain
	@mkdir -p bin
	@echo "  LD $@"; $(CC) $(CFLAGS) -Itests/unit -o $@ $< $(LIB_OBJ) $(LDLIBS)

bin/lmg%: tests/bench/lmg%.c $(LIB_OBJ) $(HDRS) | toolchain
	@mkdir -p bin
	@echo "  LD $@"; $(CC) $(CFLAGS) -o $@ $< $(LIB_OBJ) $(LDLIBS)

# The default sweep on every core: rank 0 only schedules, so nproc + 1 ranks. Safe to repeat (-resume).
run: deps
	@$(MAKE) --no-print-directory all
	@mkdir -p results
	bash tests/mpirun.sh $$(( $(NP) + 1 )) bin/lmgsweep -options_file inputs/default.opts -output results/default.h5 -resume
	/usr/bin/python3 postprocess/table3.py results/default.h5

check: deps
	@$(MAKE) --no-print-directory all
	bash tests/run.sh

bench: deps
	@$(MAKE) --no-print-directory all $(BENCH)
	bash tests/bench/bench.sh

clean:
	rm -rf build bin/lmgsweep bin/lmgsweep-engine bin/test_* $(BENCH)
