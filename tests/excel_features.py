"""A controller's own sheet carrying Excel 2010+ features that openpyxl does not model, written into a
built workbook as Excel writes them: a dropdown whose list lives on another sheet (an x14:dataValidation in
the sheet's extLst), a sparkline group, an own chart, a pivot table with its cache, and a custom XML part."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
X14 = "http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"
XM = "http://schemas.microsoft.com/office/excel/2006/main"
SHEET = "Min analyse"

OWN_SHEET = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="{MAIN}" xmlns:r="{R}" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" mc:Ignorable="x14ac" xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac"><dimension ref="A1:D4"/><sheetViews><sheetView workbookViewId="0"/></sheetViews><sheetFormatPr defaultRowHeight="15" x14ac:dyDescent="0.25"/><sheetData><row r="1" x14ac:dyDescent="0.25"><c r="A1" t="inlineStr"><is><t>Sektor</t></is></c><c r="B1"><v>1</v></c><c r="C1"><v>3</v></c><c r="D1"><v>2</v></c></row><row r="2" x14ac:dyDescent="0.25"><c r="A2" t="inlineStr"><is><t>BU</t></is></c><c r="B2"><v>4</v></c><c r="C2"><v>2</v></c><c r="D2"><v>5</v></c></row></sheetData><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/><drawing r:id="rId1"/><extLst><ext uri="{{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}}" xmlns:x14="{X14}"><x14:dataValidations count="1" xmlns:xm="{XM}"><x14:dataValidation type="list" allowBlank="1" showInputMessage="1" showErrorMessage="1"><x14:formula1><xm:f>Budget!$A$4:$A$10</xm:f></x14:formula1><xm:sqref>A4</xm:sqref></x14:dataValidation></x14:dataValidations></ext><ext uri="{{05C60535-1F16-4fd2-B633-F4F36F0B64E0}}" xmlns:x14="{X14}"><x14:sparklineGroups xmlns:xm="{XM}"><x14:sparklineGroup displayEmptyCellsAs="gap"><x14:colorSeries rgb="FF376092"/><x14:colorNegative rgb="FFD00000"/><x14:colorAxis rgb="FF000000"/><x14:colorMarkers rgb="FFD00000"/><x14:colorFirst rgb="FFD00000"/><x14:colorLast rgb="FFD00000"/><x14:colorHigh rgb="FFD00000"/><x14:colorLow rgb="FFD00000"/><x14:sparklines><x14:sparkline><xm:f>'Min analyse'!B1:D1</xm:f><xm:sqref>E1</xm:sqref></x14:sparkline></x14:sparklines></x14:sparklineGroup></x14:sparklineGroups></ext></extLst></worksheet>"""

DRAWING = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<xdr:wsDr xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><xdr:twoCellAnchor><xdr:from><xdr:col>6</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>1</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from><xdr:to><xdr:col>12</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>15</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:to><xdr:graphicFrame macro=""><xdr:nvGraphicFramePr><xdr:cNvPr id="2" name="Mit diagram"/><xdr:cNvGraphicFramePr/></xdr:nvGraphicFramePr><xdr:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/></xdr:xfrm><a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/chart"><c:chart xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" r:id="rId1"/></a:graphicData></a:graphic></xdr:graphicFrame><xdr:clientData/></xdr:twoCellAnchor></xdr:wsDr>"""

CHART = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<c:chartSpace xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><c:chart><c:plotArea><c:layout/><c:barChart><c:barDir val="col"/><c:grouping val="clustered"/><c:varyColors val="0"/><c:ser><c:idx val="0"/><c:order val="0"/><c:val><c:numRef><c:f>'Min analyse'!$B$2:$D$2</c:f></c:numRef></c:val></c:ser><c:axId val="1"/><c:axId val="2"/></c:barChart><c:catAx><c:axId val="1"/><c:scaling><c:orientation val="minMax"/></c:scaling><c:delete val="0"/><c:axPos val="b"/><c:crossAx val="2"/></c:catAx><c:valAx><c:axId val="2"/><c:scaling><c:orientation val="minMax"/></c:scaling><c:delete val="0"/><c:axPos val="l"/><c:crossAx val="1"/></c:valAx></c:plotArea><c:plotVisOnly val="1"/></c:chart></c:chartSpace>"""

PIVOT_CACHE = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<pivotCacheDefinition xmlns="{MAIN}" xmlns:r="{R}" r:id="rId1" refreshOnLoad="1" recordCount="1"><cacheSource type="worksheet"><worksheetSource ref="A1:B2" sheet="{SHEET}"/></cacheSource><cacheFields count="2"><cacheField name="Sektor" numFmtId="0"><sharedItems count="1"><s v="BU"/></sharedItems></cacheField><cacheField name="1" numFmtId="0"><sharedItems containsSemiMixedTypes="0" containsString="0" containsNumber="1" containsInteger="1" minValue="4" maxValue="4"/></cacheField></cacheFields></pivotCacheDefinition>"""

PIVOT_RECORDS = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<pivotCacheRecords xmlns="{MAIN}" xmlns:r="{R}" count="1"><r><x v="0"/><n v="4"/></r></pivotCacheRecords>"""

PIVOT_TABLE = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<pivotTableDefinition xmlns="{MAIN}" name="Pivot1" cacheId="7" applyNumberFormats="0" applyBorderFormats="0" applyFontFormats="0" applyPatternFormats="0" applyAlignmentFormats="0" applyWidthHeightFormats="1" dataCaption="Værdier" updatedVersion="6" minRefreshableVersion="3" createdVersion="6" indent="0" outline="1" outlineData="1"><location ref="A8:B10" firstHeaderRow="1" firstDataRow="1" firstDataCol="1"/><pivotFields count="2"><pivotField axis="axisRow" showAll="0"><items count="2"><item x="0"/><item t="default"/></items></pivotField><pivotField dataField="1" showAll="0"/></pivotFields><rowFields count="1"><field x="0"/></rowFields><rowItems count="2"><i><x/></i><i t="grand"><x/></i></rowItems><colItems count="1"><i/></colItems><dataFields count="1"><dataField name="Sum af 1" fld="1" baseField="0" baseItem="0"/></dataFields></pivotTableDefinition>"""

CUSTOM_XML = '<?xml version="1.0" encoding="UTF-8"?><kontrol xmlns="urn:aalborg:controlling">godkendt af økonomichef</kontrol>'

OWN_PARTS = ["xl/worksheets/sheet_own.xml", "xl/drawings/drawing_own.xml", "xl/charts/chart_own.xml",
             "xl/pivotTables/pivotTable_own.xml", "xl/pivotCache/pivotCacheDefinition_own.xml",
             "xl/pivotCache/pivotCacheRecords_own.xml", "customXml/item1.xml"]


def add_excel_features(book: Path) -> None:
    """Add the controller's sheet with the features above to ``book`` (after its last sheet)."""
    with zipfile.ZipFile(book) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    rel = lambda rid, kind, target: f'<Relationship Id="{rid}" Type="{R}/{kind}" Target="{target}"/>'  # noqa: E731
    rels = lambda *items: ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns='  # noqa: E731
                           f'"http://schemas.openxmlformats.org/package/2006/relationships">{"".join(items)}</Relationships>').encode()
    parts["xl/worksheets/sheet_own.xml"] = OWN_SHEET.encode()
    parts["xl/worksheets/_rels/sheet_own.xml.rels"] = rels(rel("rId1", "drawing", "../drawings/drawing_own.xml"),
                                                           rel("rId2", "pivotTable", "../pivotTables/pivotTable_own.xml"))
    parts["xl/drawings/drawing_own.xml"] = DRAWING.encode()
    parts["xl/drawings/_rels/drawing_own.xml.rels"] = rels(rel("rId1", "chart", "../charts/chart_own.xml"))
    parts["xl/charts/chart_own.xml"] = CHART.encode()
    parts["xl/pivotTables/pivotTable_own.xml"] = PIVOT_TABLE.encode()
    parts["xl/pivotTables/_rels/pivotTable_own.xml.rels"] = rels(rel("rId1", "pivotCacheDefinition", "../pivotCache/pivotCacheDefinition_own.xml"))
    parts["xl/pivotCache/pivotCacheDefinition_own.xml"] = PIVOT_CACHE.encode()
    parts["xl/pivotCache/_rels/pivotCacheDefinition_own.xml.rels"] = rels(rel("rId1", "pivotCacheRecords", "pivotCacheRecords_own.xml"))
    parts["xl/pivotCache/pivotCacheRecords_own.xml"] = PIVOT_RECORDS.encode()
    parts["customXml/item1.xml"] = CUSTOM_XML.encode()
    workbook_rels = parts["xl/_rels/workbook.xml.rels"].decode()
    workbook_rels = workbook_rels.replace("</Relationships>", rel("rIdOwn1", "worksheet", "worksheets/sheet_own.xml")
                                          + rel("rIdOwn2", "pivotCacheDefinition", "pivotCache/pivotCacheDefinition_own.xml")
                                          + rel("rIdOwn3", "customXml", "../customXml/item1.xml") + "</Relationships>")
    parts["xl/_rels/workbook.xml.rels"] = workbook_rels.encode()
    xml = parts["xl/workbook.xml"].decode()
    ids = [int(i) for i in re.findall(r'sheetId="(\d+)"', xml)]
    xml = xml.replace("</sheets>", f'<sheet xmlns:r="{R}" name="{SHEET}" sheetId="{max(ids) + 1}" r:id="rIdOwn1"/></sheets>')
    caches = f'<pivotCaches><pivotCache xmlns:r="{R}" cacheId="7" r:id="rIdOwn2"/></pivotCaches>'
    xml = re.sub(r"(<calcPr\b[^>]*/>)", rf"\1{caches}", xml, count=1)
    parts["xl/workbook.xml"] = xml.encode()
    ct = parts["[Content_Types].xml"].decode()
    sml = "application/vnd.openxmlformats-officedocument"
    overrides = {"/xl/worksheets/sheet_own.xml": f"{sml}.spreadsheetml.worksheet+xml",
                 "/xl/drawings/drawing_own.xml": f"{sml}.drawing+xml",
                 "/xl/charts/chart_own.xml": f"{sml}.drawingml.chart+xml",
                 "/xl/pivotTables/pivotTable_own.xml": f"{sml}.spreadsheetml.pivotTable+xml",
                 "/xl/pivotCache/pivotCacheDefinition_own.xml": f"{sml}.spreadsheetml.pivotCacheDefinition+xml",
                 "/xl/pivotCache/pivotCacheRecords_own.xml": f"{sml}.spreadsheetml.pivotCacheRecords+xml"}
    ct = ct.replace("</Types>", "".join(f'<Override PartName="{p}" ContentType="{t}"/>' for p, t in overrides.items()) + "</Types>")
    parts["[Content_Types].xml"] = ct.encode()
    with zipfile.ZipFile(book, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
