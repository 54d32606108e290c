# lmgsweep: `make run` and `make check` install what is missing, build, and run.
SHELL    := /bin/bash
PETSC_PC := /usr/lib/petscdir/petsc3.18/x86_64-linux-gnu-complex/lib/pkgconfig
SLEPC_PC := /usr/lib/slepcdir/slepc3.18/x86_64-linux-gnu-complex/lib/pkgconfig
PKGS     := slepc petsc hdf5-openmpi mpfr
PKGCFG    = PKG_CONFIG_PATH=$(SLEPC_PC):$(PETSC_PC) pkg-config
CC       := mpicc
CFLAGS   := -std=c11 -O2 -g -Wall -Wextra -Werror -D_GNU_SOURCE -Iinclude
NP       ?= $(shell nproc)
LDLIBS   := -lhdf5_hl -llapack -lblas -lm
GIT_COMMIT := $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)

DEB_PKGS := openmpi-bin libopenmpi-dev libpetsc-complex3.18-dev libslepc-complex3.18-dev libhdf5-openmpi-dev \
            libscalapack-openmpi-dev libmpfr-dev libopenblas0-serial pkg-config python3-h5py python3-numpy python3-scipy \
            python3-matplotlib python3-pytest python3-qutip \
            slurm-wlm munge libpmix-dev
# slurm-wlm and munge: the local Slurm of tests/slurm. Slurm's mpi/pmix plugin (slurm-wlm-basic-plugins) dlopens the
# unversioned libpmix.so, which only libpmix-dev ships.
DEPS_STAMP := bin/.deps

LIB_SRC  := config grid dicke splitting spectrum doublet band liouville liouville_full liouville_trunc propagate leggett threshold h5file h5records scheduler task launch
LIB_OBJ  := $(LIB_SRC:%=build/%.o)
UNIT     := $(patsubst tests/unit/%.c,bin/%,$(wildcard tests/unit/test_*.c))
HDRS     := $(wildcard include/lmg/*.h)

.PHONY: all deps run check bench clean
all: bin/lmgsweep $(UNIT)

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

build/%.o: src/%.c $(HDRS) | $(DEPS_STAMP)
	@mkdir -p build
	@echo "  CC $<"; $(CC) $(CFLAGS) -DLMG_GIT_COMMIT='"$(GIT_COMMIT)"' $$($(PKGCFG) --cflags $(PKGS)) -c $< -o $@

# The kernels of the dissipator vectorise at -O3 with plain complex products (x86-64-v3 clones chosen at run time).
build/band.o: CFLAGS += -O3 -fcx-limited-range

bin/lmgsweep: build/main.o $(LIB_OBJ)
	@echo "  LD $@"; $(CC) -o $@ $^ $$($(PKGCFG) --libs $(PKGS)) $(LDLIBS)

bin/test_%: tests/unit/test_%.c tests/unit/lmgtest.h $(LIB_OBJ) $(HDRS)
	@echo "  LD $@"; $(CC) $(CFLAGS) $$($(PKGCFG) --cflags $(PKGS)) -Itests/unit -o $@ $< $(LIB_OBJ) $$($(PKGCFG) --libs $(PKGS)) $(LDLIBS)

bin/lmgdyn: tests/bench/lmgdyn.c $(LIB_OBJ) $(HDRS)
	@echo "  LD $@"; $(CC) $(CFLAGS) $$($(PKGCFG) --cflags $(PKGS)) -o $@ $< $(LIB_OBJ) $$($(PKGCFG) --libs $(PKGS)) $(LDLIBS)

bin/lmgmfn: tests/bench/lmgmfn.c $(LIB_OBJ) $(HDRS)
	@echo "  LD $@"; $(CC) $(CFLAGS) $$($(PKGCFG) --cflags $(PKGS)) -o $@ $< $(LIB_OBJ) $$($(PKGCFG) --libs $(PKGS)) $(LDLIBS)

bin/lmgbench: tests/bench/lmgbench.c $(LIB_OBJ) $(HDRS)
	@echo "  LD $@"; $(CC) $(CFLAGS) $$($(PKGCFG) --cflags $(PKGS)) -o $@ $< $(LIB_OBJ) $$($(PKGCFG) --libs $(PKGS)) $(LDLIBS)

# The default sweep on every core: rank 0 only schedules, so nproc + 1 ranks. Safe to repeat (-resume).
run: all
	@mkdir -p results
	bash tests/mpirun.sh $$(( $(NP) + 1 )) bin/lmgsweep -options_file inputs/default.opts -output results/default.h5 -resume
	/usr/bin/python3 postprocess/table3.py results/default.h5

check: all
	bash tests/run.sh

bench: all bin/lmgbench bin/lmgdyn bin/lmgmfn
	bash tests/bench/bench.sh

clean:
	rm -rf build bin/lmgsweep bin/test_* bin/lmgbench bin/lmgdyn bin/lmgmfn
