#include "bot/store/record.hpp"

namespace coolhead::store {
namespace {

class store_category final : public boost::system::error_category {
  public:
    char const* name() const noexcept override { return "coolhead.store"; }
    std::string message(int ev) const override
    {
        switch (static_cast<errc>(ev)) {
        case errc::shut_down:
            return "the store has shut down";
        case errc::out_of_range:
            return "a number is out of the store's range";
        }
        return "unknown store error";
    }
};

} // namespace

boost::system::error_category const& category() noexcept
{
    static store_category const c;
    return c;
}

} // namespace coolhead::store
