/* Options: LmgRangeParse against hand-computed values, LmgConfigLoad through the options database
   (defaults of README (What is computed, §1) / the option help, and one clear error line per bad value), signatures. */
#include <string.h>
#include "lmg/config.h"
#include "lmgtest.h"

/* Parse `text`; on success compare with ref[0..nref) to relative tolerance rtol (exactly when rtol = 0). */
static PetscErrorCode ExpectRange(const char *text, PetscInt nref, const PetscReal *ref, PetscReal rtol)
{
  PetscInt   n = -1;
  PetscReal *v = NULL;
  char       why[256] = "", d[512];
  int        bad      = LmgRangeParse(text, &n, &v, why, sizeof why);
  PetscBool  ok       = (PetscBool)(!bad && n == nref && v);

  PetscFunctionBeginUser;
  for (PetscInt i = 0; ok && i < n; i++) ok = (PetscBool)(rtol == 0 ? v[i] == ref[i] : LMG_CLOSE(v[i], ref[i], rtol));
  snprintf(d, sizeof d, "range '%s' -> %" PetscInt_FMT " values%s%s", text, nref, bad ? ": rejected: " : "", bad ? why : "");
  LMG_TEST(d, ok);
  free(v);
  PetscFunctionReturn(PETSC_SUCCESS);
}

static PetscErrorCode ExpectRangeBad(const char *text)
{
  static PetscReal sentinel;
  PetscInt         n = 7;
  PetscReal       *v = &sentinel; /* must be reset to NULL */
  char             why[256] = "", d[512];
  int              bad      = LmgRangeParse(text, &n, &v, why, sizeof why);

  PetscFunctionBeginUser;
  snprintf(d, sizeof d, "range '%s' rejected: %s", text, why);
  LMG_TEST(d, bad && why[0] && n == 0 && v == NULL);
  if (!bad) free(v);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* Clear the options database, set the pairs kv[0], kv[1], ... (NULL-terminated), load. */
static PetscErrorCode Load(const char *const *kv, LmgConfig *cfg, char *err)
{
  PetscFunctionBeginUser;
  PetscCall(PetscOptionsClear(NULL));
  for (PetscInt i = 0; kv && kv[i]; i += 2) PetscCall(PetscOptionsSetValue(NULL, kv[i], kv[i + 1]));
  PetscCall(LmgConfigLoad(PETSC_COMM_WORLD, cfg, err));
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* One bad value: err is one non-empty line naming the option. */
static PetscErrorCode ExpectBad(const char *opt, const char *val, const char *opt2, const char *val2)
{
  const char *kv[5] = {opt, val, opt2, val2, NULL};
  LmgConfig   cfg;
  char        err[LMG_ERR_LEN], name[64], d[LMG_ERR_LEN + 128];

  PetscFunctionBeginUser;
  PetscCall(Load(kv, &cfg, err));
  snprintf(name, sizeof name, "%s ", opt);
  snprintf(d, sizeof d, "%s %s rejected: %s", opt, val, err);
  LMG_TEST(d, err[0] && strstr(err, name) && !strchr(err, '\n'));
  PetscCall(LmgConfigDestroy(&cfg));
  PetscFunctionReturn(PETSC_SUCCESS);
}

int main(int argc, char **argv)
{
  LmgConfig cfg, cfg2;
  char      err[LMG_ERR_LEN], *sig1, *sig2, d[1024];
  PetscBool ok;

  PetscCall(SlepcInitialize(&argc, &argv, NULL, NULL));

  /* --- LmgRangeParse: accepted --- */
  {
    const PetscReal list[] = {100, 200, 370}, lin[] = {0.1, 0.2, 0.3, 0.4, 0.5}, lg[] = {1e-3, 1e-2, 1e-1, 1}, mixed[] = {0.8, 0.85, 0.9, 0.95}, one[] = {0.5};
    const PetscReal single[] = {42};
    PetscInt        n;
    PetscReal      *v;
    char            why[256];

    PetscCall(ExpectRange("100,200,370", 3, list, 0));
    PetscCall(ExpectRange("42", 1, single, 0));
    PetscCall(ExpectRange("0.1:0.5:5", 5, lin, 1e-15));
    PetscCall(ExpectRange("log:1e-3:1:4", 4, lg, 1e-14));
    PetscCall(ExpectRange("0.8:0.9:3,0.95", 4, mixed, 1e-15));
    PetscCall(ExpectRange("0.5:0.5:1", 1, one, 0));

    /* linear: the ends are exactly the given numbers, the steps 0.1 to 1e-15 */
    ok = (PetscBool)(!LmgRangeParse("0.1:0.5:5", &n, &v, why, sizeof why) && n == 5);
    LMG_TEST("linear 0.1:0.5:5: exact endpoints", ok && v[0] == 0.1 && v[4] == 0.5);
    for (PetscInt i = 0; ok && i < 4; i++) ok = (PetscBool)(PetscAbsReal(v[i + 1] - v[i] - 0.1) <= 1e-15);
    LMG_TEST("linear 0.1:0.5:5: spacing 0.1 to 1e-15", ok);
    if (n) free(v);
    /* log: exact endpoints, constant ratio 10 */
    ok = (PetscBool)(!LmgRangeParse("log:1e-3:1:4", &n, &v, why, sizeof why) && n == 4);
    LMG_TEST("log 1e-3:1:4: endpoints", ok && LMG_CLOSE(v[0], 1e-3, 1e-15) && LMG_CLOSE(v[3], 1.0, 1e-15));
    for (PetscInt i = 0; ok && i < 3; i++) ok = (PetscBool)LMG_CLOSE(v[i + 1] / v[i], 10.0, 1e-14);
    LMG_TEST("log 1e-3:1:4: ratio 10 to 1e-14", ok);
    if (n) free(v);
  }

  /* --- LmgRangeParse: rejected, with a reason --- */
  {
    const char *bad[] = {"", "1,,2", "1,", ",1", "abc", "1:2", "1:2:3:4", "1:2:0", "1:2:2.5", "1:x:3", "log:0:1:3", "log:-1:1:3", "log:1", "0.5:0.6:1", "1, 2", " 1", "1,1", "0.1:0.3:3,0.2", "inf", "nan", "1e999"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) PetscCall(ExpectRangeBad(bad[i]));
  }

  /* --- LmgConfigLoad: defaults --- */
  PetscCall(Load(NULL, &cfg, err));
  LMG_TEST("defaults: N = {370}", cfg.nN == 1 && cfg.N && cfg.N[0] == 370);
  LMG_TEST("defaults: gamma_over_J = {0.95}", cfg.nG == 1 && cfg.gamma_over_J && cfg.gamma_over_J[0] == 0.95);
  LMG_TEST("defaults: gamma_phi = {0.05}", cfg.nGphi == 1 && cfg.gamma_phi && cfg.gamma_phi[0] == 0.05);
  LMG_TEST("defaults: J = 37195.4 rad/s", cfg.spec.J == 37195.4);
  LMG_TEST("defaults: T = 1e-8 K", cfg.spec.T == 1e-8);
  LMG_TEST("defaults: levels = {2,3,5,10}", cfg.nLevel == 4 && cfg.level && cfg.level[0] == 2 && cfg.level[1] == 3 && cfg.level[2] == 5 && cfg.level[3] == 10);
  LMG_TEST("defaults: max level 10", LmgConfigMaxLevel(&cfg) == 10);
  LMG_TEST("defaults: nev = 10 (max(4, largest level))", cfg.spec.nev == 10);
  LMG_TEST("defaults: solver slepc, team_size 1, resume off", cfg.spec.solver == LMG_SOLVER_SLEPC && cfg.team_size == 1 && !cfg.resume);
  /* -output is documented with the default lmgsweep.h5; a run without -output must not fail on it */
  snprintf(d, sizeof d, "defaults: output = lmgsweep.h5 and no error (got output '%.200s', err '%.600s')", cfg.output, err);
  LMG_TEST(d, !strcmp(cfg.output, "lmgsweep.h5") && err[0] == '\0');
  PetscCall(LmgConfigDestroy(&cfg));

  /* --- LmgConfigLoad: explicit good values --- */
  {
    const char *kv[] = {"-output", "t.h5", "-N", "100:300:3", "-gamma_over_J", "log:0.1:10:3", "-levels", "full", "-J", "2", "-T", "5e-9", "-spectrum_solver", "scalapack", NULL};
    PetscCall(Load(kv, &cfg, err));
    LMG_TEST("explicit: no error", err[0] == '\0');
    LMG_TEST("explicit: N = {100,200,300}", cfg.nN == 3 && cfg.N[0] == 100 && cfg.N[1] == 200 && cfg.N[2] == 300);
    LMG_TEST("explicit: gamma_over_J = {0.1,1,10}", cfg.nG == 3 && LMG_CLOSE(cfg.gamma_over_J[0], 0.1, 1e-15) && LMG_CLOSE(cfg.gamma_over_J[1], 1, 1e-15) && LMG_CLOSE(cfg.gamma_over_J[2], 10, 1e-15));
    LMG_TEST("explicit: levels {full}, nev 4", cfg.nLevel == 1 && cfg.level[0] == 0 && cfg.spec.nev == 4);
    LMG_TEST("explicit: J 2, T 5e-9, scalapack", cfg.spec.J == 2 && cfg.spec.T == 5e-9 && cfg.spec.solver == LMG_SOLVER_SCALAPACK);
    PetscCall(LmgConfigDestroy(&cfg));
  }
  {
    const char *kv[] = {"-output", "t.h5", "-nev", "12", NULL};
    PetscCall(Load(kv, &cfg, err));
    LMG_TEST("-nev 12 accepted", err[0] == '\0' && cfg.spec.nev == 12);
    PetscCall(LmgConfigDestroy(&cfg));
  }
  /* the database really is cleared between cases: back to the defaults */
  {
    const char *kv[] = {"-output", "t.h5", NULL};
    PetscCall(Load(kv, &cfg, err));
  }
  LMG_TEST("PetscOptionsClear: defaults again", err[0] == '\0' && cfg.spec.nev == 10 && cfg.nN == 1 && cfg.N[0] == 370 && cfg.spec.solver == LMG_SOLVER_SLEPC);
  PetscCall(LmgConfigDestroy(&cfg));

  /* --- LmgConfigLoad: bad values --- */
  PetscCall(ExpectBad("-N", "1", NULL, NULL));
  PetscCall(ExpectBad("-N", "10.5", NULL, NULL));
  PetscCall(ExpectBad("-N", "1,,2", NULL, NULL));
  PetscCall(ExpectBad("-gamma_over_J", "0", NULL, NULL));
  PetscCall(ExpectBad("-gamma_over_J", "-0.5", NULL, NULL));
  PetscCall(ExpectBad("-gamma_phi", "-1", NULL, NULL));
  PetscCall(ExpectBad("-levels", "2,foo", NULL, NULL));
  PetscCall(ExpectBad("-levels", "1", NULL, NULL));
  PetscCall(ExpectBad("-levels", "2,2", NULL, NULL));
  PetscCall(ExpectBad("-nev", "3", "-levels", "2,3,5,full"));
  PetscCall(ExpectBad("-nev", "4", NULL, NULL)); /* default levels need 10 */
  PetscCall(ExpectBad("-J", "-1", NULL, NULL));
  PetscCall(ExpectBad("-J", "0", NULL, NULL));
  PetscCall(ExpectBad("-T", "abc", NULL, NULL));
  PetscCall(ExpectBad("-spectrum_solver", "lapack", NULL, NULL));
  PetscCall(ExpectBad("-team_size", "0", NULL, NULL));

  /* --- LmgConfigSignature --- */
  {
    const char *kdef[] = {"-output", "t.h5", NULL}, *k370[] = {"-output", "t.h5", "-N", "370", NULL}, *k371[] = {"-output", "t.h5", "-N", "371", NULL};
    PetscCall(Load(kdef, &cfg, err));
    PetscCall(LmgConfigSignature(&cfg, &sig1));
    PetscCall(Load(k370, &cfg2, err));
    PetscCall(LmgConfigSignature(&cfg2, &sig2));
    LMG_TEST("signature: both configs load without error", err[0] == '\0');
    LMG_TEST("signature: equal for equal configs (default vs -N 370)", !strcmp(sig1, sig2));
    PetscCall(LmgConfigDestroy(&cfg2));
    free(sig2);
    PetscCall(Load(k371, &cfg2, err));
    PetscCall(LmgConfigSignature(&cfg2, &sig2));
    LMG_TEST("signature: differs when N differs", strcmp(sig1, sig2) != 0);
    free(sig1);
    free(sig2);
    PetscCall(LmgConfigDestroy(&cfg2));
    PetscCall(LmgConfigDestroy(&cfg));
  }

  PetscCall(PetscOptionsClear(NULL));
  int rc = LmgTestSummary(PETSC_COMM_WORLD);
  PetscCall(SlepcFinalize());
  return rc;
}
