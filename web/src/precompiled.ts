// The worker validates graphs with validators compiled when the page is built (web/precompile.mjs):
// the page's Content-Security-Policy has no 'unsafe-eval', which ajv's run-time compiling needs.
import { usePrecompiledValidators } from "@gammaflow/pipeline";
import { validators } from "gammaflow:validators";

usePrecompiledValidators((key) => validators.get(key));
