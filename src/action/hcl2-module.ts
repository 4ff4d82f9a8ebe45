/** In the Action's bundle HashiCorp's parser is bundled: an import esbuild follows. */
import hcl2 from 'hcl2-parser';

export default hcl2;
