#pragma once
// Whether a weight runs faster dense or CSR on this CPU: both products timed at a frame count (the
// export's `auto` policy, here or on the target through `espalier-run layout`; LIBXSMM chooses so).
#include "core/runtime/csr_matrix.h"

namespace espalier::runtime {

struct LayoutTiming {
    double denseUs = 0.0;   // median microseconds of the dense product
    double sparseUs = 0.0;  // and of the CSR one
    bool sparseFaster() const { return sparseUs < denseUs; }
};

// dense: the same weights row-major [csr.rows × csr.cols]. Inputs are a constant; the kernels' time
// does not depend on the values.
LayoutTiming timeLayouts(const float* dense, const CsrMatrix& csr, int frames);

constexpr int kLayoutTimingFrames = 128;  // an utterance's frames after 4x subsampling (about 5 s)

} // namespace espalier::runtime
