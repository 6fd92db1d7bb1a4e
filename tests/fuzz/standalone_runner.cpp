// Replays fuzz corpora without libFuzzer: each argument is a file or a directory of files, and
// every file is fed once to LLVMFuzzerTestOneInput. Used as an ordinary ctest in every build, so
// the seeds (and any crash reproducer added to them) keep being checked under gcc and ASan.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size);

namespace {

int run_file(std::filesystem::path const& p)
{
    std::ifstream in(p, std::ios::binary);
    std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    LLVMFuzzerTestOneInput(reinterpret_cast<std::uint8_t const*>(bytes.data()), bytes.size());
    return 1;
}

} // namespace

int main(int argc, char** argv)
{
    int files = 0;
    for (int i = 1; i < argc; ++i) {
        std::filesystem::path p(argv[i]);
        if (std::filesystem::is_directory(p)) {
            for (auto const& e : std::filesystem::directory_iterator(p))
                if (e.is_regular_file()) files += run_file(e.path());
        } else {
            files += run_file(p);
        }
    }
    std::printf("replayed %d input(s)\n", files);
    return files > 0 ? 0 : 1; // an empty corpus is a broken test, not a pass
}
