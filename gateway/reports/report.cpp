#include "gateway/reports/report.h"

#include <algorithm>

#include "gateway/reports/outcomes_report.h"
#include "gateway/reports/placements_report.h"
#include "gateway/reports/services_report.h"

namespace gw {
namespace {

std::size_t characters(const std::string& text) {
    return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
        return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    }));
}

}  // namespace

std::string textAt(const nlohmann::json& record, const char* key) {
    auto found = record.find(key);
    return found != record.end() && found->is_string() ? found->get<std::string>() : "";
}

nlohmann::json share(long part, long whole) {
    if (whole == 0) return nullptr;
    return static_cast<double>(part) / static_cast<double>(whole);
}

nlohmann::json median(std::vector<long> values) {
    if (values.empty()) return nullptr;
    std::sort(values.begin(), values.end());
    std::size_t middle = values.size() / 2;
    return values.size() % 2
               ? static_cast<double>(values[middle])
               : (static_cast<double>(values[middle - 1]) + static_cast<double>(values[middle])) /
                     2;
}

const std::vector<std::unique_ptr<Report>>& allReports() {
    static const auto reports = [] {
        std::vector<std::unique_ptr<Report>> list;
        list.push_back(std::make_unique<PlacementsReport>());
        list.push_back(std::make_unique<ServicesReport>());
        list.push_back(std::make_unique<OutcomesReport>());
        return list;
    }();
    return reports;
}

void printColumns(const std::vector<std::vector<std::string>>& rows, std::ostream& out) {
    std::vector<std::size_t> widths;
    for (const auto& row : rows) {
        widths.resize(std::max(widths.size(), row.size()));
        for (std::size_t i = 0; i < row.size(); ++i)
            widths[i] = std::max(widths[i], characters(row[i]));
    }
    for (const auto& row : rows) {
        for (std::size_t i = 0; i < row.size(); ++i) {
            out << row[i];
            if (i + 1 < row.size()) out << std::string(widths[i] - characters(row[i]) + 2, ' ');
        }
        out << "\n";
    }
}

}  // namespace gw
