## Frequently asked questions (answers follow the seeds)

faq-menu = ❓ Frequently asked questions
faq-title = <b>Frequently asked questions</b>: choose a question.
faq-button-more = ❓ Other questions
faq-elicense-title = Is the electronic driver's license valid?
faq-elicense-answer = <b>Is the electronic driver's license valid?</b>
    Yes. The electronic driver's license has the <b>same legal effect as the paper license</b>, and one issued in any city is <b>valid nationwide</b>.
    • <b>Law-enforcement checks:</b> when you show the e-license, the police do not check the paper license; they verify your license online with their terminal.
    • <b>Traffic management services:</b> at the windows (license business, traffic violations, accidents) you can show the e-license instead of handing in the paper one.
    • <b>Exception:</b> when the license has to be <b>detained</b>, the paper license is still required.
    • Insurance claims, car rental and job applications can also verify it online.
    Show it in the 12123 app, or here with "Show my e-license".
faq-exam-title = Where can I have the driver's physical exam?
faq-exam-answer = <b>Driver's physical exam near home</b>
    Exams are no longer limited to county-level hospitals and military hospitals: qualified regional hospitals (or higher), township health centres, community health service centres and health examination centres can do them.
    Then renew your license in the 12123 app (or here) and have the new license <b>mailed to your address</b>.
faq-exam-city = { $basis ->
        [issued] Your license was issued in { $city }:
        [named] In { $city }, the city you asked about:
       *[example] Which hospitals depends on the city. In { $city }, for example:
    } { $known ->
        [yes] <b>{ $community } community (township) hospitals</b> and <b>{ $hospitals } hospitals at county level and above</b> do driver physical exams and <b>send the results online</b>, so there is no paper form to bring.
       *[no] designated hospitals do driver physical exams and <b>send the results online</b>. The 12123 app lists them (physical exam hospitals), and { $office } can tell you too.
    }
faq-exam-city-ask = Tell me your city (e.g. <i>physical exam in Shenzhen</i>), or link your identity, to see where drivers of your city have it.
faq-renewal-title = How do I renew my driver's license?
faq-renewal-answer = <b>Renewing a driver's license</b>
    • You can apply from <b>90 days before</b> the license expires.
    • After it has expired, you can still renew it by mail within a year, once a <b>physical exam result</b> is on file: have the exam at a designated hospital, which sends the result online.
    • Apply in the 12123 app or here ("Renew my license by mail"): confirm or change the mailing address, and the new license is <b>mailed to you</b>; follow it under "Deliveries".
    • A license that is detained, suspended or revoked cannot be renewed by mail: the vehicle management office handles those.
faq-plates-title = Can replacement plates be delivered?
faq-plates-answer = <b>Replacement plates, door to door</b>
    When you replace or renew your license plates you can choose <b>door-to-door delivery</b>: a courier <b>collects your application materials</b>, and once approved the <b>new plates are delivered</b> to your address. No visit to the vehicle management office.
    Request it here with "Replacement plates delivered" (owners only) and follow it under "Deliveries".
faq-cities-title = Which cities have e-licenses?
faq-cities-answer = <b>Electronic driver's licenses, city by city</b>
    E-licenses open in batches, each city on its own date. Once your city has opened you can apply in the 12123 app (or here); if your case is special, the office that issued your license can review it. Vehicle e-licenses (行驶证) were piloted the same way, starting with 20 cities including Beijing, Tianjin and Suzhou.
faq-cities-batch-open = ✅ <b>Batch { $batch }</b>, open since { $date } ({ $count } cities): { $cities }
faq-cities-batch-later = ⏳ <b>Batch { $batch }</b>, opens on { $date } ({ $count } cities): { $cities }
faq-cities-separator = {", "}
faq-cities-none = The opening schedule is not available right now.
faq-dereg-title = What is the electronic deregistration certificate?
faq-dereg-answer = <b>Electronic vehicle deregistration certificate</b>
    When you sell a vehicle to a scrap yard, you can get the vehicle's <b>deregistration certificate in electronic form</b> through the 12123 app, with no paper certificate to collect.
    It is what you need to apply online for the <b>car trade-in subsidy</b>; more than 10 million owners have already received one.
faq-hotline-title = What does the 12123 hotline offer?
faq-hotline-answer = <b>The 12123 voice service hotline</b>
    Call <b>12123</b> for 25 traffic management services in <b>four categories</b>:
    1. Information inquiry
    2. Business handling
    3. Consultations and complaints
    4. Information changes
    It is meant especially for older people who are not familiar with the internet. This assistant's menu follows the same four categories.
