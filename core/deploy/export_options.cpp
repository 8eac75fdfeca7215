#include "core/deploy/export_options.h"

namespace espalier::deploy {

const EnumNames<SparsePolicy>& sparsePolicyNames()
{
    static const EnumNames<SparsePolicy> names{
        {SparsePolicy::Auto, "auto"}, {SparsePolicy::Csr, "csr"}, {SparsePolicy::Dense, "dense"}};
    return names;
}

} // namespace espalier::deploy
