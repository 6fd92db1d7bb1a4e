// The fuzz target's seed corpus (tests/fuzz/corpus/event_json/) is made of today's encodings of
// the samples: one seed per event type and two replies. The first byte picks the record type
// by its index in event_types(), or a reply (event_types().size()); the rest is the body, as in
// tests/fuzz/event_json_fuzz.cpp. After a deliberate format change or a new event type:
// COOLHEAD_UPDATE_CORPUS=1 and rerun, then read the diff before committing it.
#include "bot/store/json/event_json.hpp"
#include "bot/store/json/reply_json.hpp"

#include "samples.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

namespace coolhead::store::testing {
namespace {

std::string corpus_dir()
{
    return std::string(COOLHEAD_SOURCE_DIR) + "/tests/fuzz/corpus/event_json/";
}

void check_seed(std::string const& name, std::string const& bytes)
{
    auto path = corpus_dir() + name;
    if (std::getenv("COOLHEAD_UPDATE_CORPUS")) {
        std::ofstream(path, std::ios::binary) << bytes;
        return;
    }
    std::ifstream in(path, std::ios::binary);
    ASSERT_TRUE(in) << "missing seed " << path << " (run with COOLHEAD_UPDATE_CORPUS=1 to create it)";
    std::stringstream stored;
    stored << in.rdbuf();
    EXPECT_EQ(stored.str(), bytes) << "seed " << path << " is not today's encoding";
}

TEST(event_json_corpus, seeds_are_todays_encodings_of_every_event_type_and_a_reply)
{
    for_each_alternative<c::event_data>([&](auto i) {
        constexpr std::size_t index = decltype(i)::value;
        auto r = to_record(sample_event<index>());
        check_seed(r.type, std::string(1, static_cast<char>(index)) + r.body);
    });
    auto const reply_byte = std::string(1, static_cast<char>(event_types().size()));
    check_seed("reply-every-block", reply_byte + reply_to_json(every_block_reply()));
    check_seed("reply-empty", reply_byte + reply_to_json(c::outbound{}));
}

} // namespace
} // namespace coolhead::store::testing
